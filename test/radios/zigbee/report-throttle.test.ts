/** The per-device report throttle: a device under its rate passes at once; a flood is merged and paced. */
import { describe, expect, it } from 'vitest';
import { ReportThrottle } from '../../../src/radios/zigbee/report-throttle.js';
import { until } from '../../support/until.js';

describe('ReportThrottle', () => {
  it('passes reports under the rate at once and merges a flood into paced reports with the latest values', async () => {
    const passed: [string, Record<string, unknown>][] = [];
    const throttle = new ReportThrottle(5, (id, values) => passed.push([id, values]));
    for (let i = 1; i <= 100; i++) throttle.offer('flood', { power: i, ...(i === 50 ? { voltage: 230 } : {}) });
    throttle.offer('quiet', { temperature: 21 });
    // the burst (5) went out at once; the quiet device is not held up
    expect(passed.filter(([id]) => id === 'flood')).toHaveLength(5);
    expect(passed).toContainEqual(['quiet', { temperature: 21 }]);
    await until(() => passed.some(([id, values]) => id === 'flood' && values.power === 100), 2000, 'the merged report');
    expect(passed.filter(([id]) => id === 'flood')).toHaveLength(6);
    expect(passed.at(-1)).toEqual(['flood', { power: 100, voltage: 230 }]);
    expect(throttle.merged).toBe(95);
    throttle.stop();
  });

  it('does not merge away a button press', () => {
    const passed: Record<string, unknown>[] = [];
    const throttle = new ReportThrottle(1, (_id, values) => passed.push(values));
    throttle.offer('remote', { action: 'on' });
    throttle.offer('remote', { action: 'off' });
    throttle.offer('remote', { action: 'toggle' });
    expect(passed.map((values) => values.action)).toEqual(['on', 'off']);
    throttle.stop();
  });
});
