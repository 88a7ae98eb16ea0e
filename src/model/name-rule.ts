/**
 * The one rule for names, whatever brings them: `bridge/request/device/rename`, the config
 * (`radios.gpio.devices[].name`), a name a device carries itself (a Z-Wave node's Node Naming
 * name), room names. A friendly name becomes MQTT topics (`<base>/<name>`,
 * `<base>/<name>/availability`), so it must be text MQTT carries and must not be a topic that
 * belongs to something else.
 *
 * Every name: 1-128 characters (rooms 1-64); none of the characters MQTT forbids (a lone
 * surrogate, U+0000-001F, U+007F-009F, U+FDD0-FDEF, U+xFFFE/xFFFF: Mosquitto drops the client
 * that publishes them); no `#` or `+`; no empty segment (no leading, trailing or double `/`).
 * That is what Zigbee2MQTT's `validateFriendlyName` refuses, with its "no `/<digits>` at the
 * end" (kept for its endpoint topics). A friendly name besides: not `bridge` nor under it (the
 * hub's own topics); no segment `set` or `get` and no last segment `availability` (they would
 * read as a command to, or the availability of, another device); not shaped like a device id
 * (`zigbee:…`, `zwave:…`, `gpio:…`, or an IEEE address `0x` + 16 hex digits), except the
 * device's own id, which is its name until it gets one. Uniqueness is the registry's.
 */
import { describeForbidden, forbiddenCharacter, quoted } from './mqtt-text.js';

export const FRIENDLY_NAME_MAX = 128;
export const ROOM_NAME_MAX = 64;

/** Reserved words: a segment that is a command topic's. */
const COMMAND_SEGMENTS = new Set(['set', 'get']);

/** What is wrong with `name` as any name (the part of the rule rooms share), or undefined. */
export function nameProblem(name: unknown, max = FRIENDLY_NAME_MAX): string | undefined {
  if (typeof name !== 'string') return `expected a string, got ${name === null ? 'null' : typeof name}`;
  if (name.length === 0) return 'expected at least 1 character';
  if (name.length > max) return `expected at most ${max} characters, got ${name.length}`;
  const found = forbiddenCharacter(name);
  if (found !== undefined) return `${describeForbidden(name, found)} is not allowed (MQTT forbids it in a topic)`;
  const wildcard = /[#+]/.exec(name);
  if (wildcard !== null)
    return `the MQTT wildcard ${wildcard[0]} at character ${[...name.slice(0, wildcard.index)].length + 1} is not allowed`;
  if (name.startsWith('/') || name.endsWith('/')) return 'a leading or trailing / is not allowed';
  if (name.includes('//')) return `an empty segment (//) at character ${[...name.slice(0, name.indexOf('//'))].length + 1} is not allowed`;
  if (/\/\d+$/.test(name)) return 'a last segment of digits (/1) is not allowed (Zigbee2MQTT keeps it for endpoint topics)';
  return undefined;
}

/** `zigbee:…`, `zwave:…`, `gpio:…` or a bare IEEE address (Zigbee2MQTT's default names). */
const DEVICE_ID_SHAPE = /^(?:(?:zigbee|zwave|gpio):|0x[0-9a-f]{16}$)/i;

/**
 * What is wrong with `name` as a device's friendly name, or undefined. `ownId` is the id of
 * the device that is to have it: its own id is always a valid name.
 */
export function friendlyNameProblem(name: unknown, ownId?: string): string | undefined {
  if (ownId !== undefined && name === ownId) return undefined;
  const problem = nameProblem(name);
  if (problem !== undefined) return problem;
  const segments = (name as string).toLowerCase().split('/');
  if (segments[0] === 'bridge') return '"bridge" and the names under it are reserved (the hub\'s own topics)';
  const command = segments.find((segment) => COMMAND_SEGMENTS.has(segment));
  if (command !== undefined) return `a segment "${command}" is not allowed (its topics would read as a command)`;
  if (segments.at(-1) === 'availability')
    return 'a last segment "availability" is not allowed (it is another device\'s availability topic)';
  if (DEVICE_ID_SHAPE.test(name as string))
    return 'a name shaped like a device id (zigbee:…, zwave:…, gpio:…, 0x + 16 hex digits) is not allowed (ids always find their device)';
  return undefined;
}

/** `friendly name "…": <problem>`, bounded, for an error message or a log line. */
export function nameMessage(what: string, name: unknown, problem: string): string {
  return `${what} ${typeof name === 'string' ? quoted(name) : String(name)}: ${problem}`;
}
