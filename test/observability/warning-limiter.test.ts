/**
 * The failure warnings' rate limit, on a fake clock: a few lines per cause and window, the
 * rest counted and summed up in one line when the window ends; the causes it tracks stay
 * bounded however many distinct ones come.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OTHER_CAUSES, WarningLimiter } from '../../src/observability/warning-limiter.js';
import { capturingLog } from '../actors/support.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('WarningLimiter', () => {
  it('logs a few warnings per cause and window, counts the rest and sums them up when the window ends', () => {
    const { log, lines } = capturingLog();
    const suppressed: string[] = [];
    const limiter = new WarningLimiter({ log, burst: 3, windowMs: 60_000, onSuppressed: (cause) => suppressed.push(cause) });
    for (let i = 0; i < 20_000; i++) limiter.warn('DEVICE_ASLEEP lock', { i }, 'lock: asleep');
    limiter.warn('COMMAND_INVALID lamp', {}, 'lamp: invalid');
    expect(lines.map((line) => line.msg)).toEqual(['lock: asleep', 'lock: asleep', 'lock: asleep', 'lamp: invalid']);
    expect(suppressed).toHaveLength(19_997);
    expect(limiter.suppressed).toBe(19_997);

    vi.advanceTimersByTime(59_999);
    expect(lines).toHaveLength(4);
    vi.advanceTimersByTime(1);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatchObject({ level: 40, suppressedTotal: 19_997, causes: 1, suppressed: { 'DEVICE_ASLEEP lock': 19_997 } });

    // a new window: the cause is logged again, and a quiet window says nothing
    limiter.warn('DEVICE_ASLEEP lock', {}, 'lock: asleep');
    expect(lines).toHaveLength(6);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(6);
    vi.advanceTimersByTime(600_000);
    expect(lines).toHaveLength(6);
  });

  it('tracks a bounded number of causes: past the cap new ones share one', () => {
    const { log, lines } = capturingLog();
    const limiter = new WarningLimiter({ log, burst: 1, windowMs: 1000, maxCauses: 10 });
    for (let i = 0; i < 5000; i++) limiter.warn(`DEVICE_NOT_FOUND name-${i}`, {}, `no device name-${i}`);
    // ten causes and the shared one get their single line each
    expect(lines).toHaveLength(11);
    expect((limiter as unknown as { causes: Map<string, unknown> }).causes.size).toBe(11);
    vi.advanceTimersByTime(1000);
    expect(lines.at(-1)).toMatchObject({ suppressedTotal: 4989, suppressed: { [OTHER_CAUSES]: 4989 } });
    expect((limiter as unknown as { causes: Map<string, unknown> }).causes.size).toBe(0);
  });

  it('stop logs what the open window left out', () => {
    const { log, lines } = capturingLog();
    const limiter = new WarningLimiter({ log, burst: 1 });
    limiter.warn('X a', {}, 'x');
    limiter.warn('X a', {}, 'x');
    limiter.stop();
    expect(lines.at(-1)).toMatchObject({ suppressedTotal: 1 });
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(2);
  });
});
