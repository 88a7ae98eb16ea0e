/** The one name rule: what it refuses, that it says what and where, and what it lets through. */
import { describe, expect, it } from 'vitest';
import { friendlyNameProblem, nameMessage, nameProblem } from '../../src/model/name-rule.js';
import { publishTopicProblem, quoted } from '../../src/model/mqtt-text.js';
import { HOSTILE_NAMES, hasRawControl } from '../support/hostile-names.js';

describe('the name rule', () => {
  it('refuses every hostile name, saying what is wrong', () => {
    for (const [name, why] of HOSTILE_NAMES) {
      const problem = friendlyNameProblem(name, 'zigbee:0x00158d0001a2b3c4');
      expect(problem, `${JSON.stringify(name)} (${why})`).toBeDefined();
      if (why.startsWith('U+')) expect(problem).toContain(`${why} (`);
    }
    expect(friendlyNameProblem('evil\u0001name')).toBe(
      'U+0001 (a control character) at character 5 is not allowed (MQTT forbids it in a topic)',
    );
    expect(friendlyNameProblem('🙂\u0085')).toBe('U+0085 (a control character) at character 2 is not allowed (MQTT forbids it in a topic)');
    expect(friendlyNameProblem('lone\ud800high')).toContain('U+D800 (a lone UTF-16 surrogate (not valid UTF-8)) at character 5');
    expect(friendlyNameProblem('a/b//c')).toBe('an empty segment (//) at character 4 is not allowed');
    expect(friendlyNameProblem('bridge/x')).toContain('reserved');
  });

  it("lets through what Zigbee2MQTT allows and is not reserved, and a device's own id", () => {
    for (const name of [
      'living/lamp',
      'Küche Licht',
      '客厅/灯',
      '🙂 lamp',
      'a b',
      'settings/lamp',
      'lamp/setter',
      'bridges',
      'my bridge',
      'lamp/availability/x',
      '__proto__',
      'constructor',
      'toString',
      'x'.repeat(128),
    ]) {
      expect(friendlyNameProblem(name), name).toBeUndefined();
    }
    expect(friendlyNameProblem('zigbee:0x00158d0001a2b3c4', 'zigbee:0x00158d0001a2b3c4')).toBeUndefined();
    expect(friendlyNameProblem('zigbee:0x00158d0001a2b3c4', 'zigbee:0x00158d0001a2b3c5')).toContain('device id');
  });

  it('applies the shared part to rooms (64 characters), not the topic reservations', () => {
    expect(nameProblem('bridge', 64)).toBeUndefined();
    expect(nameProblem('a\u0001', 64)).toContain('U+0001');
    expect(nameProblem('x'.repeat(65), 64)).toBe('expected at most 64 characters, got 65');
  });

  it('keeps error messages short and printable whatever the name', () => {
    const long = `${'\u0085'.repeat(5)}${'x'.repeat(10_000)}`;
    const message = nameMessage('friendly name', long, friendlyNameProblem(long) ?? '');
    expect(message.length).toBeLessThan(600);
    expect(message).toContain('\\u0085');
    expect(hasRawControl(message)).toBe(false);
    expect(quoted('a"b\\c\u2028')).toBe('"a\\"b\\\\c\\u2028"');
    expect(quoted('\u{1fffe}')).toBe('"\\ud83f\\udffe"');
  });

  it('checks a topic as MQTT and Mosquitto do', () => {
    expect(publishTopicProblem('hearth/h/lamp')).toBeUndefined();
    expect(publishTopicProblem('')).toBe('the topic is empty');
    expect(publishTopicProblem('hearth/a\uffff')).toContain('U+FFFF (a Unicode non-character) at character 9');
    expect(publishTopicProblem('hearth/+')).toContain('wildcard +');
    expect(publishTopicProblem('x'.repeat(65_536))).toContain("over MQTT's 65535");
  });
});
