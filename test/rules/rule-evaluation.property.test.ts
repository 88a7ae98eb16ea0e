/**
 * Property tests (fast-check) of a rule's evaluation: the trigger's arming and hysteresis
 * against an independent model over random value sequences, a hysteresis that keeps a noisy
 * value from flapping, and the times of day (`at`, `after`/`before`) on a fake clock in time
 * zones with and without daylight saving, the two clock-change days pinned.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMPARISONS, type Comparison } from '../../src/config/rules-schema.js';
import { compare, inWindow, localTime, msUntil, TriggerArm } from '../../src/rules/rule-evaluation.js';

function hhmmOf(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The model: a firing needs the test true, and since the last firing a value past the hysteresis band (or the test false). */
function modelFirings(op: Comparison, threshold: number, hysteresis: number, values: readonly number[]): number[] {
  const fired: number[] = [];
  let armed = true;
  values.forEach((value, index) => {
    const holds =
      op === '=='
        ? value === threshold
        : op === '!='
          ? value !== threshold
          : op === '>'
            ? value > threshold
            : op === '>='
              ? value >= threshold
              : op === '<'
                ? value < threshold
                : value <= threshold;
    if (armed && holds) {
      armed = false;
      fired.push(index);
      return;
    }
    const clear =
      op === '==' || op === '!='
        ? !holds
        : op === '>'
          ? value <= threshold - hysteresis
          : op === '>='
            ? value < threshold - hysteresis
            : op === '<'
              ? value >= threshold + hysteresis
              : value > threshold + hysteresis;
    if (!armed && clear) armed = true;
  });
  return fired;
}

const small = fc.integer({ min: -20, max: 40 });

describe('rule evaluation', () => {
  afterEach(() => vi.useRealTimers());

  it('fires a trigger exactly where the model says, for every comparison and hysteresis', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMPARISONS),
        small,
        fc.integer({ min: 0, max: 5 }),
        fc.array(small, { maxLength: 60 }),
        (op, threshold, hysteresis, values) => {
          const arm = new TriggerArm(op, threshold, op === '==' || op === '!=' ? 0 : hysteresis);
          const fired = values.flatMap((value, index) => (arm.next(value) ? [index] : []));
          expect(fired).toEqual(modelFirings(op, threshold, op === '==' || op === '!=' ? 0 : hysteresis, values));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('does not flap: a value wandering inside the hysteresis band fires once', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 24.6, max: 27, noNaN: true }), { minLength: 1, maxLength: 200 }), (noise) => {
        // temperature > 25 with hysteresis 0.5: everything stays above 24.5, so it never re-arms
        const arm = new TriggerArm('>', 25, 0.5);
        const firings = [26, ...noise].filter((value) => arm.next(value)).length;
        expect(firings).toBe(1);
      }),
    );
  });

  it('starts disarmed when the stored value already passes the test (a restart is no new event)', () => {
    fc.assert(
      fc.property(small, small, (threshold, last) => {
        const arm = new TriggerArm('>', threshold, 0, last);
        expect(arm.isArmed).toBe(!(last > threshold));
        expect(arm.next(last)).toBe(false);
      }),
    );
  });

  it('compares orderings on numbers only', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('>', '>=', '<', '<=' as const),
        fc.oneof(fc.string(), fc.boolean(), fc.constant(null)),
        small,
        (op, actual, expected) => {
          expect(compare(op, actual, expected)).toBe(false);
        },
      ),
    );
  });

  it('schedules `at` for the next such minute, in the time zone, on a fake clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 1439 }),
        fc.constantFrom('UTC', 'Asia/Kathmandu', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York'),
        (at, minute, timeZone) => {
          vi.useFakeTimers({ now: at });
          const delay = msUntil(hhmmOf(minute), Date.now(), timeZone);
          expect(delay).toBeGreaterThan(0);
          // a local day lasts 23 to 25 hours
          expect(delay).toBeLessThanOrEqual(25 * 3600_000);
          vi.advanceTimersByTime(delay);
          const then = localTime(Date.now(), timeZone);
          expect(then.seconds).toBeCloseTo(0, 3);
          if (then.minutes !== minute) {
            // only a minute the spring-forward jump skips may come an hour later, right after the jump
            expect(then.minutes).toBe(minute + 60);
            // an hour of real time earlier the clock showed an hour before the minute: it jumped an hour
            expect(localTime(Date.now() - 3600_000, timeZone).minutes).toBe(minute - 60);
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  // 2026 in Europe/Berlin: clocks go forward on 29 March at 01:00 UTC, back on 25 October at 01:00 UTC
  it.each([
    ['the day before clocks go forward: a 23-hour day', '2026-03-28T02:00:00Z', '03:00', 23, '2026-03-29T01:00:00.000Z'],
    ['a minute the jump skips comes right after the jump', '2026-03-29T00:00:00Z', '02:30', 1.5, '2026-03-29T01:30:00.000Z'],
    ['the day before clocks go back: a 25-hour day', '2026-10-24T01:00:00Z', '03:00', 25, '2026-10-25T02:00:00.000Z'],
    ['a minute that repeats fires at its first pass', '2026-10-24T22:00:00Z', '02:30', 2.5, '2026-10-25T00:30:00.000Z'],
    ['and not again at the repeat', '2026-10-25T00:30:00Z', '02:30', 25, '2026-10-26T01:30:00.000Z'],
  ])('across a clock change in Europe/Berlin: %s', (_case, from, hhmm, hours, fires) => {
    const delay = msUntil(hhmm, Date.parse(from), 'Europe/Berlin');
    expect(delay / 3600_000).toBe(hours);
    expect(new Date(Date.parse(from) + delay).toISOString()).toBe(fires);
  });

  it('puts a time in a window like the model, windows past midnight included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        (now, after, before) => {
          const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
          const at = Date.UTC(2026, 11, 1) + now * 60_000;
          const expected = after === before ? true : after < before ? now >= after && now < before : now >= after || now < before;
          expect(inWindow(hhmm(after), hhmm(before), at, 'UTC')).toBe(expected);
        },
      ),
    );
  });
});
