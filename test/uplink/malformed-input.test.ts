/**
 * 10,000 random and malformed messages on the command topics of a hub talking to a real
 * Mosquitto: every /set is either carried out (the radio gets it) or answered with an error,
 * every bridge request is answered, the hub keeps running, and the device's state is exactly
 * what the valid commands made it.
 */
import fc from 'fast-check';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { radioPort } from '../support/radio-port.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';
const bulb = JSON.parse(JSON.stringify([e.light_brightness_colortemp([153, 500])])) as Capability[];

const setTopics = [
  'lamp/set',
  'lamp/set/brightness',
  'lamp/set/state',
  'lamp/set/color_temp',
  'lamp/set/nothing',
  'nobody/set',
  'lamp/get',
] as const;
const requestTopics = [
  'bridge/request/permit_join',
  'bridge/request/device/rename',
  'bridge/request/room/create',
  'bridge/request/room/add_device',
  'bridge/request/health_check',
  'bridge/request/no_such_thing',
] as const;

const payload = fc.oneof(
  fc.json(),
  fc.string(),
  fc.constantFrom(
    '',
    '{',
    '{"state":',
    'null',
    '[]',
    '"ON"',
    'ON',
    'off',
    '{"brightness":"high"}',
    '{"brightness":-5}',
    '{"color_temp":"warm"}',
    '{"state":"TOGGLE"}',
  ),
  fc
    .record(
      {
        state: fc.oneof(fc.constantFrom('ON', 'OFF', 'on', 'TOGGLE'), fc.string()),
        brightness: fc.oneof(fc.integer({ min: -100, max: 400 }), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constant('x'.repeat(2000)),
);

describe('random and malformed input', () => {
  it('answers 10,000 of them, never crashes, and only valid commands change the device', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const stateDir = await tempDir();
    const { devices, stop } = await startBridgedHub(
      {
        hubId: 'fuzz',
        stateDir,
        uplink: {
          port: broker.port,
          startupWaitMs: 3000,
          outboxMaxBytes: 1 << 26,
          drainRatePerS: 100_000,
          maxInFlight: 500,
          maxPayloadBytes: 1024,
          healthIntervalS: 0,
        },
        store: { journalBatchMs: 20 },
      },
      { mailboxCapacity: 100_000 },
    );
    onTestFinished(stop);
    devices.addDevice({ id: lamp, friendlyName: 'lamp', radio: 'zigbee', capabilities: bulb });
    const sent: Record<string, unknown>[] = [];
    devices.attachRadio(
      'zigbee',
      radioPort((_id, command) => Promise.resolve(void sent.push(command))),
    );

    const watch = await MqttWatch.connect(`mqtt://127.0.0.1:${broker.port}`, 'hearth/fuzz/bridge/#');
    const messages = fc.sample(fc.tuple(fc.oneof(fc.constantFrom(...setTopics), fc.constantFrom(...requestTopics)), payload), {
      numRuns: 10_000,
      seed: 424242,
    });
    let sets = 0;
    let requests = 0;
    let pending: Promise<unknown>[] = [];
    for (const [topic, body] of messages) {
      if (topic.endsWith('/get')) continue;
      if (topic.startsWith('bridge/')) requests++;
      else sets++;
      pending.push(watch.client.publishAsync(`hearth/fuzz/${topic}`, body, { qos: 1 }));
      if (pending.length >= 200) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    const errors = () =>
      watch.received.filter((m) => m.topic === 'hearth/fuzz/bridge/event' && m.payload.includes('command_failed')).length;
    const responses = () => watch.received.filter((m) => m.topic.startsWith('hearth/fuzz/bridge/response/')).length;
    for (const began = Date.now(); errors() + sent.length < sets || responses() < requests;) {
      if (Date.now() - began > 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(errors() + sent.length, 'every /set carried out or answered with an error').toBe(sets);
    expect(responses(), 'every bridge request answered').toBe(requests);
    expect(sets).toBeGreaterThan(4000);
    expect(sent.length).toBeGreaterThan(0);

    // the device holds exactly what the valid commands set (a toggle flips what came before)
    const expected: Record<string, unknown> = {};
    for (const command of sent) {
      for (const [key, value] of Object.entries(command)) {
        expected[key] = key === 'state' && value === 'TOGGLE' ? (expected.state === 'ON' ? 'OFF' : 'ON') : value;
      }
    }
    expect((await devices.get(lamp)).state).toEqual(expected);
    // still running
    await watch.client.publishAsync('hearth/fuzz/bridge/request/health_check', '{"transaction":"last"}', { qos: 1 });
    expect(
      JSON.parse((await watch.waitFor('hearth/fuzz/bridge/response/health_check', (p) => p.includes('"last"'))).payload),
    ).toMatchObject({ status: 'ok' });
  }, 120_000);
});
