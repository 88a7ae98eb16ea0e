/**
 * The radio control of a bridge that runs with no radio (tests, a hub with every radio off):
 * every radio request is refused with RADIO_UNAVAILABLE; and whether a radio of a kind runs.
 */
import type { DeviceRecord } from '../model/device-record.js';
import type { RadioControl } from '../radios/radio.js';
import { ErrorCode, HearthError } from '../errors.js';

const noRadio = (): Promise<never> => Promise.reject(new HearthError(ErrorCode.RadioUnavailable, 'no radio is running'));

export const NO_RADIOS: RadioControl = {
  permitJoin: noRadio,
  exclusion: noRadio,
  backup: noRadio,
  running: () => {
    throw new HearthError(ErrorCode.RadioUnavailable, 'no radio is running');
  },
  answerInclusion: () => {
    throw new HearthError(ErrorCode.RadioUnavailable, 'no radio is running');
  },
  deviceDetails: () => undefined,
};

/** Whether the radio of `kind` runs (a radio control that throws for it: no). */
export function isRunning(radios: RadioControl | undefined, kind: DeviceRecord['radio']): boolean {
  try {
    return radios?.running(kind) !== undefined;
  } catch {
    return false;
  }
}
