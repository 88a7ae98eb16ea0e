/**
 * Fuzzing the name rule through the rename path. 10,000 generated names (hostile characters,
 * reserved words, ids, wildcards, slashes, any code point) go through the rule in-process,
 * which must accept only names whose topics MQTT carries and that are no other topic's; then
 * every accepted one and a few hundred refused ones go through `bridge/request/device/rename`
 * on a real hub and Mosquitto: refused ones get DEVICE_NAME_INVALID, accepted ones are
 * published on their topic, and the broker never drops the hub nor refuses what it publishes.
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { friendlyNameProblem } from '../../src/model/name-rule.js';
import { parseIncomingTopic } from '../../src/uplink/topics.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const BASE = 'hearth/fz';
const LAMP = 'zigbee:0x00158d0001a2b3c4';
const DEVICES = 25;
const onOff: Capability[] = [
  {
    type: 'switch',
    features: [{ type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON', value_off: 'OFF' }],
  } as unknown as Capability,
];

/** Written apart from src/model/mqtt-text.ts: what Mosquitto drops a client for in a topic, or cannot be UTF-8. */
function brokerWouldDrop(topic: string): boolean {
  for (const character of topic) {
    const code = character.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) return true; // a lone surrogate (a pair is one character here)
    if (code < 0x20 || (code >= 0x7f && code <= 0xa0 - 1)) return true;
    if (code >= 0xfdd0 && code <= 0xfdef) return true;
    if (code % 0x10000 === 0xfffe || code % 0x10000 === 0xffff) return true;
  }
  return topic.includes('#') || topic.includes('+');
}

const piece = fc.oneof(
  fc.constantFrom(
    '/',
    '#',
    '+',
    ' ',
    '\u0000',
    '\u0001',
    '\t',
    '\u001f',
    '\u007f',
    '\u0085',
    '\u009f',
    '\u00a0',
    '\ufdd0',
    '\ufdef',
    '\ufdf0',
    '\ufffd',
    '\ufffe',
    '\uffff',
    '\u{1fffe}',
    '\u{10ffff}',
    '\u{1f642}',
    '\ud800',
    '\udc00',
    '\u2028',
    'é',
    '灯',
  ),
  fc.constantFrom(
    'bridge',
    'Bridge',
    'set',
    'get',
    'availability',
    'state',
    'zigbee:',
    'zwave:1:2',
    'gpio:',
    '0x00158d0001a2b3c9',
    '1',
    '42',
    '__proto__',
    'constructor',
    'lamp',
    'living',
  ),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }),
);
const names = fc.oneof(
  fc.array(piece, { maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 140 }),
);

describe('fuzzing names through the rename path', () => {
  it('holds the rule over 10,000 names, and the broker takes everything the hub publishes after a sample of renames', async () => {
    const accepted = new Map<string, string>();
    const refused: string[] = [];
    fc.assert(
      fc.property(names, (name) => {
        const problem = friendlyNameProblem(name, LAMP);
        const topics = [`${BASE}/${name}`, `${BASE}/${name}/availability`];
        if (topics.some(brokerWouldDrop) || name.length === 0 || name.length > 128) expect(problem).toBeDefined();
        if (problem !== undefined) {
          if (refused.length < 300 && !refused.includes(name)) refused.push(name);
          return;
        }
        // no other topic's: not the hub's own, never read as a command, not another device's availability, not an id
        for (const topic of topics) expect(parseIncomingTopic(BASE, topic).kind).toBe('ignored');
        expect(name.toLowerCase().split('/')[0]).not.toBe('bridge');
        expect(name.toLowerCase().endsWith('/availability')).toBe(false);
        expect(/^(zigbee|zwave|gpio):|^0x[0-9a-f]{16}$/i.test(name)).toBe(false);
        if (!name.startsWith('fuzz-lamp-') && accepted.size < 200) accepted.set(name.toLowerCase(), name);
      }),
      { numRuns: 10_000 },
    );
    expect(accepted.size).toBeGreaterThan(50);
    expect(refused.length).toBeGreaterThan(100);

    const broker = await Mosquitto.start({ logConnections: true });
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, `${BASE}/#`);
    const hub = await startBridgedHub({
      hubId: 'fz',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
    });
    onTestFinished(hub.stop);
    hub.devices.attachRadio(
      'zigbee',
      radioPort(() => Promise.resolve()),
    );
    // a round trip costs tens of ms on loopback: the sample is spread over devices renamed side by side
    const lamps = Array.from({ length: DEVICES }, (_, i) => `zigbee:0x00158d0001a2b${String(i).padStart(3, '0')}`);
    for (const [i, id] of lamps.entries()) {
      hub.devices.addDevice({ id, friendlyName: `fuzz-lamp-${i}`, radio: 'zigbee', capabilities: onOff });
      await hub.devices.report(id, { state: 'ON' });
    }
    let transaction = 0;
    const rename = async (from: string, to: string) => {
      const id = ++transaction;
      await watch.client.publishAsync(`${BASE}/bridge/request/device/rename`, JSON.stringify({ from, to, transaction: id }), { qos: 1 });
      const answer = await watch.waitFor(
        `${BASE}/bridge/response/device/rename`,
        (p) => (JSON.parse(p) as { transaction: number }).transaction === id,
      );
      return JSON.parse(answer.payload) as { status: string; error?: { code: string } };
    };
    // refused ones first: an accepted name after them must still get through
    const sample = [...refused, ...accepted.values()];
    await Promise.all(
      lamps.map(async (lamp, i) => {
        for (const name of sample.filter((_, n) => n % DEVICES === i)) {
          const answer = await rename(lamp, name);
          if (accepted.get(name.toLowerCase()) === name) {
            expect(answer.status, JSON.stringify(name)).toBe('ok');
            await watch.waitFor(`${BASE}/${name}`, (p) => p.includes('"ON"'));
          } else {
            expect(answer.error?.code, JSON.stringify(name)).toBe('DEVICE_NAME_INVALID');
          }
        }
      }),
    );
    await until(() => hub.bridge.outbox.size === 0, 30_000, 'an empty outbox');
    expect(hub.bridge.health()).toMatchObject({ refused: 0, setAside: 0, invalidTopics: 0 });
    expect(broker.log).not.toContain('malformed');
    expect(broker.log.match(/New client connected .* as hearth-fz/g)).toHaveLength(1);
    expect(hub.link.reconnectAttempts).toBe(0);
    // 10,000 property runs, then hundreds of rename round trips: room for a loaded machine
  }, 120_000);
});
