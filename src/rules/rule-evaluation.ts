/**
 * The pure logic of a rule, with no clock and no I/O: comparing a state value, the arming of a
 * state trigger (it fires when its test becomes true, and again only after the test has been
 * false — beyond the hysteresis for a number), and the hub's local time of day for `at` and
 * `after`/`before` in a time zone.
 */
import type { Comparison } from '../config/rules-schema.js';

export type Scalar = string | number | boolean | null;

/** `actual op expected`; numbers only for the orderings (anything else does not match). */
export function compare(op: Comparison, actual: unknown, expected: Scalar): boolean {
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number' || Number.isNaN(actual)) return false;
      if (op === '>') return actual > expected;
      if (op === '>=') return actual >= expected;
      if (op === '<') return actual < expected;
      return actual <= expected;
    }
  }
}

/**
 * Whether a value has left the firing side far enough to arm the trigger again: for `> v` with
 * hysteresis h, once it is at or below v - h; for `< v`, at or above v + h; for the others,
 * once the test is false. A value that is no number (unknown, an error) re-arms no ordering.
 */
export function rearms(op: Comparison, actual: unknown, expected: Scalar, hysteresis = 0): boolean {
  if (op === '==' || op === '!=') return !compare(op, actual, expected);
  if (typeof actual !== 'number' || typeof expected !== 'number' || Number.isNaN(actual)) return false;
  if (op === '>') return actual <= expected - hysteresis;
  if (op === '>=') return actual < expected - hysteresis;
  if (op === '<') return actual >= expected + hysteresis;
  return actual > expected + hysteresis;
}

/** A state trigger's memory between reports: armed until it fires, then again once the value rearms it. */
export class TriggerArm {
  private armed: boolean;

  /** `last`: the value known before the first report (from the store); a trigger whose test already holds waits for it to end. */
  constructor(
    private readonly op: Comparison,
    private readonly expected: Scalar,
    private readonly hysteresis = 0,
    last?: unknown,
  ) {
    this.armed = last === undefined || !compare(op, last, expected);
  }

  /** A new value: true when the trigger fires on it. */
  next(value: unknown): boolean {
    if (this.armed && compare(this.op, value, this.expected)) {
      this.armed = false;
      return true;
    }
    if (!this.armed && rearms(this.op, value, this.expected, this.hysteresis)) this.armed = true;
    return false;
  }

  get isArmed(): boolean {
    return this.armed;
  }
}

/** Minutes since midnight and seconds into that minute, in `timeZone` (the system's when undefined). */
export function localTime(at: number, timeZone?: string): { minutes: number; seconds: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  return { minutes: part('hour') * 60 + part('minute'), seconds: part('second') + (at % 1000) / 1000 };
}

export function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Milliseconds from `at` to the next `hhmm` in `timeZone` (a full day when it is that minute's
 * start now). Across a daylight-saving change the local clock jumps: the first guess is then
 * corrected by what the clock will show at it (a time the jump skips comes an hour later).
 */
export function msUntil(hhmm: string, at: number, timeZone?: string): number {
  const target = minutesOf(hhmm);
  const { minutes, seconds } = localTime(at, timeZone);
  let delta = (target - minutes) * 60_000 - seconds * 1000;
  if (delta <= 0) delta += DAY_MS;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const shown = localTime(at + delta, timeZone).minutes;
    let error = (target - shown) * 60_000;
    if (error > DAY_MS / 2) error -= DAY_MS;
    if (error < -DAY_MS / 2) error += DAY_MS;
    if (error === 0 || delta + error <= 0) break;
    delta += error;
  }
  return Math.round(delta);
}

/** Whether `at` lies in [after, before) of the local day; a window with after > before wraps past midnight. */
export function inWindow(after: string, before: string, at: number, timeZone?: string): boolean {
  const now = localTime(at, timeZone).minutes;
  const start = minutesOf(after);
  const end = minutesOf(before);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
