/**
 * The device breaker's probe timing on a fake clock: refused while the jittered probe delay
 * runs, a ping (never the user's command) once it has passed, the delay doubling per failed
 * probe, and the same timing after its persisted state is read back (passivation, restart).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, HearthError } from '../../src/errors.js';
import { backoffDelay } from '../../src/lifecycle/backoff.js';
import type { BreakerTransition } from '../../src/model/breaker-state.js';
import { DeviceBreaker, type DeviceCall } from '../../src/resilience/device-breaker.js';

const options = { deviceThreshold: 2, probeMinMs: 1000, probeMaxMs: 8000 };
const noAck = (): Error => new Error('no ack from the device');

function breaker(snapshot?: unknown) {
  const transitions: BreakerTransition[] = [];
  const persisted: unknown[] = [];
  const device = new DeviceBreaker('zwave-7', 'zwave', options, snapshot, {
    persist: (s) => persisted.push(s),
    transition: (t) => transitions.push(t),
    now: () => Date.now(),
  });
  return { device, transitions, persisted };
}

function call(send: () => Promise<string>, ping: () => Promise<void> = () => Promise.resolve()) {
  const spy = { send: vi.fn(send), ping: vi.fn(ping) };
  const c: DeviceCall<string> = { ...spy, faultScope: (error) => (error instanceof HearthError ? 'radio' : 'device') };
  return { c, ...spy };
}

describe('backoffDelay', () => {
  it('doubles from minMs, caps at maxMs, and draws from the upper half', () => {
    expect([0, 1, 2, 3, 4, 40].map((attempt) => backoffDelay(1000, 8000, attempt, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(1000, 8000, attempt, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });
});

describe('DeviceBreaker on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('refuses while the probe delay runs, then pings before the command once it has passed', async () => {
    const { device, transitions } = breaker();
    const failing = call(() => Promise.reject(noAck()));
    for (let i = 0; i < options.deviceThreshold; i++) await expect(device.run(failing.c)).rejects.toThrow('no ack');
    expect(device.state).toBe('open');
    const retryInMs = transitions.at(-1)?.retryInMs ?? -1;
    // the jitter is drawn from the device id: within the upper half of the first step
    expect(retryInMs).toBeGreaterThanOrEqual(500);
    expect(retryInMs).toBeLessThanOrEqual(1000);
    const ok = call(() => Promise.resolve('done'));
    vi.advanceTimersByTime(retryInMs - 1);
    await expect(device.run(ok.c)).rejects.toMatchObject({ code: ErrorCode.CircuitOpen });
    expect(ok.ping).not.toHaveBeenCalled();
    expect(ok.send).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    await expect(device.run(ok.c)).resolves.toBe('done');
    expect(ok.ping).toHaveBeenCalledTimes(1);
    expect(device.state).toBe('closed');
  });

  it('doubles the delay after a failed probe, and keeps it across a reload from its persisted state', async () => {
    const { device, transitions, persisted } = breaker();
    const failing = call(
      () => Promise.reject(noAck()),
      () => Promise.reject(noAck()),
    );
    for (let i = 0; i < options.deviceThreshold; i++) await expect(device.run(failing.c)).rejects.toThrow();
    const first = transitions.at(-1)?.retryInMs ?? 0;
    vi.advanceTimersByTime(first);
    await expect(device.run(failing.c)).rejects.toMatchObject({ code: ErrorCode.CircuitOpen });
    expect(failing.ping).toHaveBeenCalledTimes(1);
    const second = transitions.at(-1)?.retryInMs ?? 0;
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(second).toBeLessThanOrEqual(2000);
    // a new incarnation of the actor reads the persisted state: same open breaker, same due time
    const reloaded = breaker(persisted.at(-1)).device;
    const ok = call(() => Promise.resolve('done'));
    vi.advanceTimersByTime(second - 1);
    await expect(reloaded.run(ok.c)).rejects.toMatchObject({ code: ErrorCode.CircuitOpen });
    vi.advanceTimersByTime(1);
    await expect(reloaded.run(ok.c)).resolves.toBe('done');
  });

  it('closes when the device is heard from, with no probe and no wait', async () => {
    const { device } = breaker();
    const failing = call(() => Promise.reject(noAck()));
    for (let i = 0; i < options.deviceThreshold; i++) await expect(device.run(failing.c)).rejects.toThrow();
    device.heard();
    await vi.advanceTimersByTimeAsync(0);
    const ok = call(() => Promise.resolve('done'));
    await expect(device.run(ok.c)).resolves.toBe('done');
    expect(ok.ping).not.toHaveBeenCalled();
  });
});
