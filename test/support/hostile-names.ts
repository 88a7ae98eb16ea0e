/**
 * Names the name rule refuses (src/model/name-rule.ts), each with why: the characters
 * Mosquitto drops a client for, what Zigbee2MQTT's validateFriendlyName refuses, and the
 * reserved names. Shared by the rename, config and Z-Wave tests.
 */
export const OTHER_ID = 'zigbee:0x00158d0001a2b3f0';

export const HOSTILE_NAMES: readonly (readonly [name: string, why: string])[] = [
  ['evil\u0001name', 'U+0001'],
  ['nul\u0000name', 'U+0000'],
  ['tab\tname', 'U+0009'],
  ['a\u001fb', 'U+001F'],
  ['del\u007fname', 'U+007F'],
  ['nel\u0085name', 'U+0085'],
  ['a\u009fb', 'U+009F'],
  ['a\ufdd0b', 'U+FDD0'],
  ['a\ufdefb', 'U+FDEF'],
  ['a\ufffeb', 'U+FFFE'],
  ['non\uffffchar', 'U+FFFF'],
  ['a\u{1fffe}b', 'U+1FFFE'],
  ['a\u{10ffff}b', 'U+10FFFF'],
  ['lone\ud800high', 'lone surrogate'],
  ['lone\udc00low', 'lone surrogate'],
  ['a#b', 'wildcard #'],
  ['a+b', 'wildcard +'],
  ['/leading', 'leading /'],
  ['trailing/', 'trailing /'],
  ['a//b', 'empty segment'],
  ['lamp/1', 'last segment of digits'],
  ['bridge', 'reserved'],
  ['bridge/state', 'reserved'],
  ['Bridge/request/x', 'reserved'],
  ['lamp/set', 'reserved'],
  ['lamp/get', 'reserved'],
  ['a/set/b', 'reserved'],
  ['door/availability', 'reserved'],
  [OTHER_ID, "another device's id"],
  ['zwave:1:2', 'id-shaped'],
  ['gpio:0:17', 'id-shaped'],
  ['0x00158d0001a2b3c9', 'IEEE address'],
  ['x'.repeat(129), 'too long'],
];

/** Whether `text` holds a raw control character (C0 but the line feed, DEL, C1): an error message must escape them. */
export function hasRawControl(text: string): boolean {
  return [...text].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
  });
}
