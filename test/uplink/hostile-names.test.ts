/**
 * Hostile friendly names over MQTT against a real Mosquitto: each one `device/rename` is asked
 * for is refused with DEVICE_NAME_INVALID, the hub is never dropped by the broker (no
 * "malformed packet" in Mosquitto's log) and the valid command after them works; names that
 * are JavaScript's own property names find no device unless one has them; a name equal to
 * another device's id cannot be given, and an id finds its own device.
 */
import { connectAsync, type IClientPublishOptions } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { HOSTILE_NAMES, OTHER_ID, hasRawControl } from '../support/hostile-names.js';
import { captureLog } from '../support/log-capture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';

const LAMP = 'zigbee:0x00158d0001a2b3c4';
const onOff: Capability[] = [
  {
    type: 'switch',
    features: [{ type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON', value_off: 'OFF' }],
  } as unknown as Capability,
];

async function setUp() {
  const broker = await Mosquitto.start({ logConnections: true });
  onTestFinished(() => broker.stop());
  const watch = await MqttWatch.connect(broker.url, 'hearth/hn/#');
  const capture = captureLog();
  const hub = await startBridgedHub(
    {
      hubId: 'hn',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
    },
    { log: capture.log },
  );
  onTestFinished(hub.stop);
  hub.devices.attachRadio(
    'zigbee',
    radioPort(() => Promise.resolve()),
  );
  hub.devices.addDevice({ id: LAMP, friendlyName: 'lamp', radio: 'zigbee', capabilities: onOff });
  hub.devices.addDevice({ id: OTHER_ID, friendlyName: 'plug', radio: 'zigbee', capabilities: onOff });
  let transaction = 0;
  const request = async (command: string, body: Record<string, unknown>) => {
    const id = ++transaction;
    await watch.client.publishAsync(`hearth/hn/bridge/request/${command}`, JSON.stringify({ ...body, transaction: id }), { qos: 1 });
    const answer = await watch.waitFor(
      `hearth/hn/bridge/response/${command}`,
      (p) => (JSON.parse(p) as { transaction?: unknown }).transaction === id,
    );
    return JSON.parse(answer.payload) as { status: string; data: Record<string, unknown>; error?: { code: string; message: string } };
  };
  // an MQTT 5 client: a command's answer comes on its response topic
  const v5 = await connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: 5 });
  onTestFinished(() => v5.endAsync(true));
  const answers = new Map<string, (payload: string) => void>();
  v5.on('message', (topic, payload) => answers.get(topic)?.(payload.toString()));
  await v5.subscribeAsync('reply/#', { qos: 1 });
  const command = async (topic: string, payload: string) => {
    const responseTopic = `reply/${++transaction}`;
    const answered = new Promise<string>((resolve) => answers.set(responseTopic, resolve));
    const options: IClientPublishOptions = { qos: 1, properties: { responseTopic } };
    await v5.publishAsync(`hearth/hn/${topic}`, payload, options);
    return JSON.parse(await answered) as { status: string; error?: { code: string; message: string } };
  };
  return { broker, watch, hub, capture, request, command };
}

describe('hostile friendly names over MQTT', () => {
  it('refuses each with DEVICE_NAME_INVALID, stays connected, and the next valid command works', async () => {
    const { broker, watch, hub, capture, request } = await setUp();
    for (const [name, why] of HOSTILE_NAMES) {
      const answer = await request('device/rename', { from: 'lamp', to: name });
      expect(answer, `${JSON.stringify(name)} (${why})`).toMatchObject({ status: 'error', error: { code: 'DEVICE_NAME_INVALID' } });
      expect(answer.error?.message.length).toBeLessThan(400);
      expect(hasRawControl(answer.error?.message ?? '')).toBe(false);
    }
    expect((await request('device/rename', { from: 'lamp', to: 'PLUG' })).error).toMatchObject({ code: 'DEVICE_NAME_TAKEN' });
    expect(hub.devices.device(LAMP)?.friendlyName).toBe('lamp');

    expect(await request('device/rename', { from: 'lamp', to: 'living/lamp' })).toMatchObject({
      status: 'ok',
      data: { to: 'living/lamp' },
    });
    await watch.client.publishAsync('hearth/hn/living/lamp/set', '{"state":"ON"}', { qos: 1 });
    await watch.waitFor('hearth/hn/living/lamp', (p) => p.includes('"ON"'));
    expect(broker.log).not.toContain('malformed');
    expect(broker.log.match(/New client connected .* as hearth-hn/g)).toHaveLength(1);
    expect(hub.link.reconnectAttempts).toBe(0);
    expect(capture.warnings('lost the broker')).toEqual([]);
  });

  it('answers commands to __proto__, constructor, toString and hasOwnProperty with DEVICE_NOT_FOUND, and serves a device so named', async () => {
    const { hub, request, command } = await setUp();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await command(`${name}/set`, '{"state":"ON"}'), name).toMatchObject({ status: 'error', error: { code: 'DEVICE_NOT_FOUND' } });
      expect(await command(`${name}/get`, ''), name).toMatchObject({ status: 'error', error: { code: 'DEVICE_NOT_FOUND' } });
      expect((await request('device/remove', { id: name })).error, name).toMatchObject({ code: 'DEVICE_NOT_FOUND' });
      expect((await request('device/options', { id: name, options: { retain: false } })).error, name).toMatchObject({
        code: 'DEVICE_NOT_FOUND',
      });
    }
    expect(await request('device/rename', { from: 'lamp', to: 'constructor' })).toMatchObject({ status: 'ok' });
    expect(await command('constructor/set', '{"state":"ON"}')).toMatchObject({ status: 'ok' });
    expect(hub.devices.resolve('constructor')?.id).toBe(LAMP);

    for (const name of ['__proto__', 'constructor']) {
      const room = await request('room/create', { name });
      expect(room, name).toMatchObject({ status: 'ok', data: { name } });
      const id = room.data.id as string;
      expect(await request('room/add_device', { room: id, device: OTHER_ID })).toMatchObject({ status: 'ok' });
      expect(await request('room/remove_device', { room: id, device: OTHER_ID })).toMatchObject({ status: 'ok' });
    }
    expect((await request('room/delete', { id: 'hasOwnProperty' })).error).toMatchObject({ code: 'ROOM_NOT_FOUND' });
  });

  it('never lets a name equal to another device\'s id win: device/remove {"id":…} removes that device', async () => {
    const { hub, request } = await setUp();
    expect((await request('device/rename', { from: 'lamp', to: OTHER_ID })).error).toMatchObject({ code: 'DEVICE_NAME_INVALID' });
    expect(await request('device/remove', { id: OTHER_ID })).toMatchObject({ status: 'ok', data: { id: OTHER_ID, friendly_name: 'plug' } });
    expect(hub.devices.device(LAMP)).toBeDefined();
    expect(hub.devices.device(OTHER_ID)).toBeUndefined();
  });
});
