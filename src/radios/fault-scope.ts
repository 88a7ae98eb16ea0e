/**
 * Which breaker a hub-coded failure counts against, for errors a radio raised as a
 * `HearthError` rather than its library's own: a radio that is not running or timed out is
 * sick; a device that did not answer is; a refused or queued command is nobody's fault.
 * Each radio classifies its library's errors first and falls back to this.
 */
import { ErrorCode, isHearthError } from '../errors.js';
import type { FaultScope } from './radio.js';

const RADIO: ReadonlySet<string> = new Set([ErrorCode.RadioUnavailable, ErrorCode.Timeout]);
const DEVICE: ReadonlySet<string> = new Set([ErrorCode.DeviceUnreachable, ErrorCode.RadioCommandFailed]);

export function hubFaultScope(error: unknown): FaultScope {
  if (!isHearthError(error)) return 'none';
  return RADIO.has(error.code) ? 'radio' : DEVICE.has(error.code) ? 'device' : 'none';
}
