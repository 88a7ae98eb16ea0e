/**
 * The radio breaker's clock-driven behaviour on vitest's fake timers: when its half-open probes
 * fire (backoff doubling per failed probe, capped), when a stuck radio is handed to supervision,
 * and when a command that never answers becomes a TIMEOUT fault.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BreakerOptions } from '../../src/config/schema.js';
import { ErrorCode, HearthError } from '../../src/errors.js';
import type { BreakerTransition } from '../../src/model/breaker-state.js';
import { RadioGuard } from '../../src/resilience/radio-guard.js';

const options: BreakerOptions = {
  threshold: 2,
  deviceThreshold: 3,
  probeMinMs: 1000,
  probeMaxMs: 4000,
  restartAfterProbes: 3,
  maxConcurrent: 2,
  maxQueued: 1,
  commandTimeoutMs: 500,
};
const radioFault = (): HearthError => new HearthError(ErrorCode.Timeout, 'controller did not answer');

function guardWith(probe: () => Promise<void>) {
  const transitions: BreakerTransition[] = [];
  const stuck: string[] = [];
  const radio = { kind: 'zwave' as const, faultScope: () => 'radio' as const, probe: vi.fn(probe) };
  // random() = 1 draws the top of the jitter range: each delay is exactly its full backoff step
  const guard = new RadioGuard({
    radio,
    options,
    log: pino({ level: 'silent' }),
    onTransition: (t) => transitions.push(t),
    onStuck: (fault) => stuck.push(fault),
    random: () => 1,
  });
  return { guard, radio, transitions, stuck };
}

async function breakOpen(guard: RadioGuard): Promise<void> {
  for (let i = 0; i < options.threshold; i++) await expect(guard.run('cmd', () => Promise.reject(radioFault()))).rejects.toThrow();
}

describe('RadioGuard on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens at the threshold, refuses at once while open, and probes exactly after probeMinMs', async () => {
    const { guard, radio, transitions } = guardWith(() => Promise.resolve());
    await breakOpen(guard);
    expect(guard.state).toBe('open');
    expect(transitions.at(-1)).toMatchObject({ scope: 'radio', state: 'open', retryInMs: 1000 });
    const send = vi.fn(() => Promise.resolve('sent'));
    await expect(guard.run('cmd', send)).rejects.toMatchObject({ code: ErrorCode.CircuitOpen });
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(999);
    expect(radio.probe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(radio.probe).toHaveBeenCalledTimes(1);
    expect(guard.state).toBe('closed');
    expect(transitions.map((t) => t.state)).toEqual(['open', 'half_open', 'closed']);
    await expect(guard.run('cmd', send)).resolves.toBe('sent');
    guard.stop();
  });

  it('doubles the probe delay per failed probe up to probeMaxMs and reports a stuck radio after restartAfterProbes', async () => {
    const { guard, radio, transitions, stuck } = guardWith(() => Promise.reject(new Error('no answer')));
    await breakOpen(guard);
    const probeTimes: number[] = [];
    radio.probe.mockImplementation(() => {
      probeTimes.push(Date.now());
      return Promise.reject(new Error('no answer'));
    });
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 4000);
    expect(probeTimes.map((t) => t - start)).toEqual([1000, 3000, 7000, 11_000]);
    expect(transitions.filter((t) => t.state === 'open').map((t) => t.retryInMs)).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toContain('no answer');
    expect(guard.stats).toMatchObject({ opens: 1, probes: 4, probeFailures: 4 });
    guard.stop();
  });

  it('probes at once after a restart (probeSoon) and never after stop', async () => {
    const { guard, radio } = guardWith(() => Promise.reject(new Error('no answer')));
    await breakOpen(guard);
    guard.probeSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(radio.probe).toHaveBeenCalledTimes(1);
    guard.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(radio.probe).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails a command still unanswered after commandTimeoutMs with TIMEOUT, counted as a radio fault', async () => {
    const { guard } = guardWith(() => Promise.resolve());
    const hung = (): Promise<never> => new Promise<never>(() => undefined);
    const first = guard.run('hung', hung);
    const settled = vi.fn();
    first.catch(settled);
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(first).rejects.toMatchObject({ code: ErrorCode.Timeout });
    const second = expect(guard.run('hung', hung)).rejects.toMatchObject({ code: ErrorCode.Timeout });
    await vi.advanceTimersByTimeAsync(500);
    await second;
    expect(guard.state).toBe('open');
    guard.stop();
  });
});
