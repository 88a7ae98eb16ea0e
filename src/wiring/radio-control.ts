/**
 * The bridge requests' view of the radios (`RadioControl`, src/radios/radio.ts): permit_join,
 * exclusion, backups and inclusion answers fanned out to every running radio that has them, and
 * one running radio by kind for its own requests.
 */
import { parseDeviceId } from '../model/device-id.js';
import { ErrorCode, HearthError } from '../errors.js';
import type { RadioControl } from '../radios/radio.js';
import type { RadioPart } from './radio-part.js';

/** permit_join and exclusion on every running radio that has them; RADIO_UNAVAILABLE when none does. */
export function radioControl(radios: readonly RadioPart[]): RadioControl {
  const running = () => radios.filter((part) => part.state === 'running');
  return {
    permitJoin: async (seconds, via) => {
      const radio = via === undefined ? undefined : parseDeviceId(via).radio;
      const parts = running().filter((part) => radio === undefined || part.radio.kind === radio);
      if (parts.length === 0)
        throw new HearthError(
          ErrorCode.RadioUnavailable,
          `no radio is running that devices could join${radio === undefined ? '' : ` through ${via} (the ${radio} radio)`}`,
        );
      await Promise.all(parts.map((part) => part.radio.permitJoin(seconds, via)));
    },
    backup: async (options = {}) => {
      const parts = running().filter((part) => part.radio.backup !== undefined);
      if (parts.length === 0) throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio has a network backup (Zigbee does)');
      const backups = await Promise.all(parts.map(async (part) => [part.radio.kind, await part.radio.backup?.(options)] as const));
      return Object.fromEntries(backups);
    },
    exclusion: async (seconds) => {
      const excluding = running().flatMap((part) => (part.radio.exclude === undefined ? [] : [part.radio.exclude(seconds)]));
      if (excluding.length === 0)
        throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio takes devices out by exclusion (Z-Wave does)');
      await Promise.all(excluding);
    },
    running: (kind) => {
      const part = radios.find((candidate) => candidate.radio.kind === kind);
      if (part === undefined)
        throw new HearthError(ErrorCode.RadioUnavailable, `the ${kind} radio is not enabled (radios.${kind}.enabled)`);
      if (part.state !== 'running')
        throw new HearthError(ErrorCode.RadioUnavailable, `the ${kind} radio is not running (it is ${part.state})`);
      return part.radio;
    },
    answerInclusion: (answer) => {
      const asking = running().find((part) => part.radio.answerInclusion !== undefined);
      if (asking?.radio.answerInclusion === undefined)
        throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio asks questions during inclusion (Z-Wave does, for S2)');
      asking.radio.answerInclusion(answer);
    },
  };
}
