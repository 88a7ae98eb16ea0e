/**
 * MQTT's rules for the text of a topic (MQTT 5 §1.5.4 and §4.7, 3.1.1 §1.5.3 and §4.7), as
 * Mosquitto enforces them: a PUBLISH whose topic holds U+0000-001F, U+007F-009F or a
 * non-character (U+FDD0-FDEF, U+xFFFE, U+xFFFF) gets the client disconnected ("malformed
 * packet"), and a lone UTF-16 surrogate cannot be UTF-8 at all (Node writes U+FFFD in its
 * place, so the topic would silently be another one). A topic the hub publishes on is checked
 * here before it is enqueued or sent; names (name-rule.ts) use the same character rule.
 */

/** A character MQTT forbids, and where it is. */
export interface ForbiddenCharacter {
  /** Index of the UTF-16 code unit where it starts. */
  index: number;
  codePoint: number;
  what: string;
}

/** Quick pre-check: any code unit that may start a forbidden character (every surrogate, so astral non-characters are looked at). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const SUSPECT = /[\u0000-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]/;

function forbiddenKind(codePoint: number): string | undefined {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
    // a surrogate code point: codePointAt gives one only when it has no partner
    return 'a lone UTF-16 surrogate (not valid UTF-8)';
  }
  if (codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f)) return 'a control character';
  if ((codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe) return 'a Unicode non-character';
  return undefined;
}

/** The first character of `text` that MQTT forbids in a topic, if any. */
export function forbiddenCharacter(text: string): ForbiddenCharacter | undefined {
  if (!SUSPECT.test(text)) return undefined;
  for (let index = 0; index < text.length;) {
    const codePoint = text.codePointAt(index) as number;
    const what = forbiddenKind(codePoint);
    if (what !== undefined) return { index, codePoint, what };
    index += codePoint > 0xffff ? 2 : 1;
  }
  return undefined;
}

/** `U+0001`, `U+1FFFE`. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "U+0001 (a control character) at character 5": what is wrong and where (1-based, in characters). */
export function describeForbidden(text: string, found: ForbiddenCharacter): string {
  const position = [...text.slice(0, found.index)].length + 1;
  return `${codePointLabel(found.codePoint)} (${found.what}) at character ${position}`;
}

/** Longest text `quoted` shows (in characters) before it cuts with an ellipsis. */
const QUOTE_MAX = 64;

/**
 * `text` for an error message or a log line: JSON-quoted, every character MQTT forbids (and
 * any other that JSON leaves raw and a terminal could act on) escaped as \uXXXX, and cut at
 * 64 characters, so a hostile name cannot make the message long or unreadable.
 */
export function quoted(text: string): string {
  const characters = [...text];
  const shown = characters.length > QUOTE_MAX ? `${characters.slice(0, QUOTE_MAX).join('')}…` : text;
  let out = '';
  for (let index = 0; index < shown.length;) {
    const codePoint = shown.codePointAt(index) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    const bad = forbiddenKind(codePoint) !== undefined || codePoint === 0x2028 || codePoint === 0x2029;
    if (bad) {
      const units = shown.slice(index, index + width);
      for (let unit = 0; unit < units.length; unit++) out += `\\u${units.charCodeAt(unit).toString(16).padStart(4, '0')}`;
    } else if (codePoint === 0x22 || codePoint === 0x5c) {
      out += `\\${String.fromCodePoint(codePoint)}`;
    } else {
      out += shown.slice(index, index + width);
    }
    index += width;
  }
  return `"${out}"`;
}

/** The most bytes an MQTT topic can have (its length is a 16-bit field). */
export const MAX_TOPIC_BYTES = 65_535;

/** What is wrong with `topic` as the topic of a PUBLISH, or undefined when MQTT and Mosquitto accept it. */
export function publishTopicProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'the topic is empty';
  const found = forbiddenCharacter(topic);
  if (found !== undefined) return `the topic ${quoted(topic)} has ${describeForbidden(topic, found)}`;
  const wildcard = /[#+]/.exec(topic);
  if (wildcard !== null)
    return `the topic ${quoted(topic)} has the MQTT wildcard ${wildcard[0]} at character ${[...topic.slice(0, wildcard.index)].length + 1}`;
  const bytes = Buffer.byteLength(topic);
  if (bytes > MAX_TOPIC_BYTES) return `the topic is ${bytes} bytes, over MQTT's ${MAX_TOPIC_BYTES}`;
  return undefined;
}
