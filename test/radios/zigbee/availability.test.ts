/** Zigbee availability on a clock the test moves: battery devices time out, mains devices are pinged first. */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
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

  it('sweeps on its own timer once started: a silent mains device is pinged within a quarter of the active timeout, again only after another', async () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const pinged: number[] = [];
    const changes: [string, boolean][] = [];
    const availability = new Availability({
      activeTimeoutMs: 4000,
      passiveTimeoutMs: 20_000,
      ping: () => {
        pinged.push(Date.now());
        return Promise.reject(new Error('no answer'));
      },
      changed: (id, online) => changes.push([id, online]),
      now: () => Date.now(),
    });
    const start = Date.now();
    availability.track('plug', true, start);
    availability.track('sensor', false, start);
    availability.start();
    // swept every 1000 ms (activeTimeoutMs / 4): silent 4000 ms at the sweep at 4000
    await vi.advanceTimersByTimeAsync(3999);
    expect(pinged).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(pinged.map((t) => t - start)).toEqual([4000]);
    expect(changes).toEqual([['plug', false]]);
    // the failed ping counts as the last look: the next ping after another active timeout
    await vi.advanceTimersByTimeAsync(4000);
    expect(pinged.map((t) => t - start)).toEqual([4000, 8000]);
    // the battery sensor is never pinged and goes offline at the passive timeout
    await vi.advanceTimersByTimeAsync(20_000 - 8000 - 1);
    expect(changes).not.toContainEqual(['sensor', false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toContainEqual(['sensor', false]);
    availability.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
