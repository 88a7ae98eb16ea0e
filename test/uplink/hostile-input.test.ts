/**
 * Hostile input against a hub talking to a real Mosquitto (the fast version of the `fuzz`
 * bench): prototype names as commands, payloads nested 10,000 deep, thousands of keys, and a
 * few hundred random hostile messages with valid commands between them. Every message gets a
 * coded answer of at most 4 KB on its response topic, no actor fails or restarts, every valid
 * command is carried out, and the log gets a few warnings per cause, not one per message.
 */
import { connectAsync } from 'mqtt';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { DEVICE_KIND_NAME } from '../../src/devices/device-actor.js';
import { capturingLog } from '../actors/support.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { hostileMessage, seededRandom } from '../support/hostile-messages.js';
import { Mosquitto } from '../support/mosquitto.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';
const victim = 'zigbee:0x00158d0001a2b3c5';
const bulb = JSON.parse(JSON.stringify([e.light_brightness_colortemp([153, 500])])) as Capability[];
const MAX_ANSWER_BYTES = 4096;

async function hostileHub() {
  const broker = await Mosquitto.start();
  onTestFinished(() => broker.stop());
  const { log, lines } = capturingLog();
  const hub = await startBridgedHub(
    {
      hubId: 'hostile',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
      store: { journalBatchMs: 20 },
    },
    { log },
  );
  onTestFinished(hub.stop);
  hub.devices.addDevice({ id: lamp, friendlyName: 'lamp', radio: 'zigbee', capabilities: bulb });
  hub.devices.addDevice({ id: victim, friendlyName: 'victim', radio: 'zigbee', capabilities: bulb });
  const sent: Record<string, unknown>[] = [];
  hub.devices.attachRadio(
    'zigbee',
    radioPort((_id, command) => Promise.resolve(void sent.push(command))),
  );

  const client = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  onTestFinished(() => client.endAsync(true));
  const answers = new Map<string, string>();
  const bridgeAnswers: { topic: string; payload: string }[] = [];
  client.on('message', (topic, payload) => {
    if (topic.startsWith('answers/')) answers.set(topic.slice('answers/'.length), payload.toString());
    else bridgeAnswers.push({ topic, payload: payload.toString() });
  });
  await client.subscribeAsync(['answers/#', 'hearth/hostile/bridge/response/#', 'hearth/hostile/bridge/event'], { qos: 1 });
  let next = 0;
  /** Sends one message with a response topic of its own; resolves with its answer. */
  const ask = async (topic: string, payload: string | Buffer): Promise<Record<string, unknown>> => {
    const id = String(next++);
    await client.publishAsync(`hearth/hostile/${topic}`, payload, { qos: 1, properties: { responseTopic: `answers/${id}` } });
    await until(() => answers.has(id), 15_000, `an answer to ${topic}`);
    return JSON.parse(answers.get(id)!) as Record<string, unknown>;
  };
  return { hub, lines, sent, client, answers, bridgeAnswers, ask, nextId: () => String(next++) };
}

describe('hostile input', () => {
  it('answers prototype names, deep nesting and huge key counts with coded errors of at most 4 KB', async () => {
    const { hub, ask, bridgeAnswers } = await hostileHub();
    for (const command of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await ask(`bridge/request/${command}`, '{}'), command).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_COMMAND' } });
    }
    const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    for (const topic of ['lamp/set', 'lamp/set/state', 'lamp/get', 'bridge/request/permit_join', 'bridge/request/device/rename']) {
      for (const payload of [deepArray, deepObject]) {
        expect(await ask(topic, payload), topic).toMatchObject({
          status: 'error',
          error: { code: 'PAYLOAD_INVALID', message: expect.stringContaining('nested deeper') },
        });
      }
    }
    // 5,000 unknown keys (62 kB): refused for its key count, the answer small
    const keys = (count: number) => JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 1])));
    expect(await ask('lamp/set', keys(5000))).toMatchObject({
      error: { code: 'PAYLOAD_INVALID', message: expect.stringContaining('more than 1000 keys') },
    });
    // 900 unknown keys: each is a problem, the first few named and the rest counted
    const many = await ask('lamp/set', keys(900));
    expect(many).toMatchObject({ error: { code: 'COMMAND_INVALID', message: expect.stringContaining('k0: no such attribute') } });
    expect((many.error as { message: string }).message).toContain('and 895 more (900 problems in all)');
    const options = await ask(
      'bridge/request/device/options',
      JSON.stringify({ id: 'lamp', options: JSON.parse(keys(900)) as unknown, transaction: 'x'.repeat(1000) }),
    );
    expect(options).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_INVALID' } });
    expect(options.transaction, 'a big transaction is not echoed').toBeUndefined();
    await until(() => bridgeAnswers.filter((m) => m.payload.includes('COMMAND_INVALID')).length > 0, 5000, 'the command_failed event');
    for (const message of bridgeAnswers) expect(Buffer.byteLength(message.payload), message.topic).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    expect(hub.system.statsOf(DEVICE_KIND_NAME)).toMatchObject({ failures: 0, restarts: 0 });
  }, 60_000);

  it('answers 400 random hostile messages, keeps every valid command working and the log short', async () => {
    const { hub, lines, sent, client, answers, bridgeAnswers, ask, nextId } = await hostileHub();
    const random = seededRandom(1717);
    const expected: string[] = [];
    let pending: Promise<unknown>[] = [];
    let valid = 0;
    for (let i = 0; i < 400; i++) {
      if (i % 20 === 0) {
        // a valid command between the hostile ones, answered ok
        valid++;
        expect(await ask('lamp/set', JSON.stringify({ brightness: 1 + (i % 250) }))).toMatchObject({
          status: 'ok',
          data: { brightness: 1 + (i % 250) },
        });
        continue;
      }
      const message = hostileMessage(random, { device: 'lamp', victimId: victim, maxPayloadBytes: hub.config.uplink.maxPayloadBytes });
      const id = nextId();
      if (message.answered) expected.push(id);
      pending.push(
        client.publishAsync(`hearth/hostile/${message.topic}`, message.payload, { qos: 1, properties: { responseTopic: `answers/${id}` } }),
      );
      if (pending.length >= 50) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    await until(
      () => expected.every((id) => answers.has(id)),
      30_000,
      `answers to all ${expected.length} hostile messages (${expected.filter((id) => !answers.has(id)).length} missing)`,
    );
    const errors = [...answers.values()].filter((payload) => payload.includes('"status":"error"'));
    expect(errors.length).toBeGreaterThan(300);
    for (const payload of [...answers.values(), ...bridgeAnswers.map((m) => m.payload)])
      expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    for (const payload of errors) expect(JSON.parse(payload)).toMatchObject({ error: { code: expect.stringMatching(/^[A-Z_]+$/) } });
    expect(hub.system.statsOf(DEVICE_KIND_NAME)).toMatchObject({ failures: 0, restarts: 0 });
    expect(sent.filter((command) => 'brightness' in command)).toHaveLength(valid);
    // a few warnings per cause: the lamp's invalid commands are not logged one by one
    const warnings = lines.filter((line) => line.level === 40 && typeof line.where === 'string');
    const lampInvalid = warnings.filter(
      (line) => line.where === 'lamp' && (line.error as { code?: string } | undefined)?.code === 'PAYLOAD_INVALID',
    );
    expect(lampInvalid.length).toBeLessThanOrEqual(5);
    expect(warnings.length).toBeLessThan(errors.length / 2);
  }, 120_000);
});
