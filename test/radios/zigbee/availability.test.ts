/** Zigbee availability on a clock the test moves: battery devices time out, mains devices are pinged first. */
import { describe, expect, it } from 'vitest';
import { Availability } from '../../../src/radios/zigbee/availability.js';

describe('Zigbee availability', () => {
  it('marks a silent battery device offline after the passive timeout without pinging it, and online when heard', async () => {
    let now = 0;
    const changes: [string, boolean][] = [];
    const pinged: string[] = [];
    const availability = new Availability({
      activeTimeoutMs: 1000,
      passiveTimeoutMs: 10_000,
      ping: (id) => {
        pinged.push(id);
        return id === 'dead-plug' ? Promise.reject(new Error('no answer')) : Promise.resolve();
      },
      changed: (id, online) => changes.push([id, online]),
      now: () => now,
    });
    expect(availability.track('sensor', false, 0)).toBe(true);
    availability.track('plug', true, 0);
    availability.track('dead-plug', true, 0);
    now = 5000;
    availability.sweep();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pinged.sort()).toEqual(['dead-plug', 'plug']);
    expect(changes).toEqual([['dead-plug', false]]);
    now = 10_000;
    availability.sweep();
    expect(changes).toContainEqual(['sensor', false]);
    expect(pinged.filter((id) => id === 'sensor')).toEqual([]);
    availability.seen('sensor');
    expect(changes.at(-1)).toEqual(['sensor', true]);
    // a battery device last heard of long ago starts offline
    expect(availability.track('old-sensor', false, now - 20_000)).toBe(false);
  });
});
