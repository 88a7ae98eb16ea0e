/**
 * How a radio's failures are logged while it is restarted with backoff: once per change of
 * state, not once per retry. A failure is logged when it differs from the one before (another
 * message, or the radio now counting as down) and at debug while it repeats; a recovery starts
 * afresh. An expected failure (the stick is not plugged in, the sysfs GPIO tree is missing, a
 * permission) is a warning with its code and the fix in its message, without a stack; any other
 * failure is an error with its stack.
 */
import type { Logger } from 'pino';
import { describeError, ErrorCode, isHearthError } from '../errors.js';

/** Failures a user fixes from what the message says: no stack helps. */
const EXPECTED: ReadonlySet<string> = new Set([
  ErrorCode.SerialPortMissing,
  ErrorCode.SerialPortDenied,
  ErrorCode.GpioSysfsMissing,
  ErrorCode.GpioPermissionDenied,
  ErrorCode.GpioPinBusy,
  ErrorCode.GpioBoardUnknown,
  ErrorCode.GpioChipNotFound,
]);

export function isExpectedRadioFailure(error: unknown): boolean {
  return isHearthError(error) && EXPECTED.has(error.code);
}

export interface RadioFailure {
  attempts: number;
  retryInMs: number;
  /** The radio failed `maxAttempts` restarts in a row and counts as down. */
  down: boolean;
}

export class RadioFailureLog {
  /** What was last logged (the failure's text, and whether it was down), until a recovery. */
  private last: string | undefined;

  constructor(
    private readonly log: Logger,
    private readonly kind: string,
  ) {}

  failed(error: unknown, failure: RadioFailure): void {
    const text = describeError(error);
    const seconds = failure.retryInMs < 10_000 ? (failure.retryInMs / 1000).toFixed(1) : String(Math.round(failure.retryInMs / 1000));
    const message = `${this.kind}: the radio failed: ${text}; ${failure.down ? 'it counts as down, ' : ''}next start in ${seconds} s`;
    const key = `${failure.down}:${text}`;
    const expected = isExpectedRadioFailure(error);
    const fields = {
      attempts: failure.attempts,
      retryInMs: failure.retryInMs,
      ...(expected && isHearthError(error) ? { code: error.code } : { err: error }),
    };
    if (key === this.last) {
      this.log.debug(fields, message);
      return;
    }
    this.last = key;
    const said = `${message} (retried without a word until this changes)`;
    if (expected) this.log.warn(fields, said);
    else this.log.error(fields, said);
  }

  /** The radio runs again: its next failure is news. */
  recovered(): void {
    this.last = undefined;
  }
}
