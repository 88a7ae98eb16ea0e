/** Devices to the broker and back, against a real Mosquitto: the contract and an outage. */
import { fileURLToPath } from 'node:url';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { LineChild } from '../support/line-child.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, retainedOn } from '../support/mqtt-watch.js';
import { NetworkCut } from '../support/network-cut.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';
import { radioPort } from '../support/radio-port.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';
const remote = 'zigbee:0x00158d0001a2b3c5';
const bulb = JSON.parse(JSON.stringify([e.light_brightness()])) as Capability[];
const buttons = JSON.parse(JSON.stringify([e.action(['single', 'double']), e.battery()])) as Capability[];

async function hub(port: number, stateDir: string) {
  const { devices, bridge, link, stop } = await startBridgedHub({
    hubId: 'h1',
    stateDir,
    uplink: {
      port,
      startupWaitMs: 3000,
      reconnectMaxMs: 2000,
      drainRatePerS: 2000,
      maxInFlight: 100,
      maxPayloadBytes: 1024,
      healthIntervalS: 1,
    },
    store: { journalBatchMs: 5 },
    // a renamed or removed device's old topics are cleared 100 ms after its new configs reached the broker (2 s by default)
    homeassistant: { configsAppliedMs: 100 },
  });
  onTestFinished(stop);
  const sent: Record<string, unknown>[] = [];
  devices.attachRadio(
    'zigbee',
    radioPort((_id, payload) => Promise.resolve(void sent.push(payload))),
  );
  return { devices, bridge, link, sent };
}

describe('uplink bridge', () => {
  it('publishes state and events, takes /set, /set/<attr>, /get and bridge requests, and answers errors', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const watch = await MqttWatch.connect(url, 'hearth/h1/#');
    const { devices, sent } = await hub(broker.port, await tempDir());
    devices.addDevice({ id: lamp, friendlyName: 'living/lamp', radio: 'zigbee', capabilities: bulb });
    devices.addDevice({ id: remote, friendlyName: 'living/remote', radio: 'zigbee', capabilities: buttons });

    await devices.report(lamp, { state: 'OFF', brightness: 10 });
    const state = await watch.waitFor('hearth/h1/living/lamp', (p) => p.includes('"brightness":10'));
    expect(JSON.parse(state.payload)).toMatchObject({ state: 'OFF', brightness: 10, last_seen: expect.any(String) });
    expect(await retainedOn(url, 'hearth/h1/living/lamp')).toBe(state.payload);

    await devices.report(remote, { action: 'double', battery: 90 });
    const event = await watch.waitFor('hearth/h1/living/remote', (p) => p.includes('double'));
    expect(JSON.parse(event.payload)).toMatchObject({ action: 'double', battery: 90 });
    // the event is not retained: the retained message is the state without the action
    expect(JSON.parse((await retainedOn(url, 'hearth/h1/living/remote')) ?? '{}')).not.toHaveProperty('action');

    await watch.client.publishAsync('hearth/h1/living/lamp/set', '{"state":"ON","brightness":200}', { qos: 1 });
    await watch.waitFor('hearth/h1/living/lamp', (p) => p.includes('"brightness":200') && p.includes('"ON"'));
    await watch.client.publishAsync('hearth/h1/living/lamp/set/brightness', '50', { qos: 1 });
    await watch.waitFor('hearth/h1/living/lamp', (p) => p.includes('"brightness":50'));
    expect(sent).toEqual([{ state: 'ON', brightness: 200 }, { brightness: 50 }]);

    await watch.client.publishAsync('hearth/h1/living/lamp/set', '{"brightness":999}', { qos: 1 });
    const rejected = await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('command_failed'));
    expect(JSON.parse(rejected.payload)).toEqual({
      type: 'command_failed',
      data: { device: 'living/lamp', code: 'COMMAND_INVALID', message: `${lamp}: brightness: expected a number 0-254, got 999` },
    });
    await watch.client.publishAsync('hearth/h1/nobody/set', '{"state":"ON"}', { qos: 1 });
    await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('DEVICE_NOT_FOUND'));
    await watch.client.publishAsync('hearth/h1/living/lamp/set', '{"state":', { qos: 1 });
    await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('PAYLOAD_INVALID'));
    expect(sent).toHaveLength(2); // nothing invalid reached the radio

    await watch.client.publishAsync('hearth/h1/bridge/request/health_check', '{"transaction":"t-1"}', { qos: 1 });
    const response = await watch.waitFor('hearth/h1/bridge/response/health_check');
    expect(JSON.parse(response.payload)).toMatchObject({ status: 'ok', data: { healthy: true }, transaction: 't-1' });
    await watch.client.publishAsync('hearth/h1/bridge/request/room/create', '{"name":"Living","transaction":2}', { qos: 1 });
    expect(JSON.parse((await watch.waitFor('hearth/h1/bridge/response/room/create')).payload)).toMatchObject({
      status: 'ok',
      data: { id: 'living' },
      transaction: 2,
    });

    const rooms = await watch.waitFor('hearth/h1/bridge/rooms', (p) => p.includes('"living"'));
    expect(JSON.parse(rooms.payload)).toEqual([{ id: 'living', name: 'Living', devices: [] }]);
    const list = JSON.parse((await retainedOn(url, 'hearth/h1/bridge/devices')) ?? '[]') as { friendly_name: string }[];
    expect(list.map((d) => d.friendly_name).sort()).toEqual(['living/lamp', 'living/remote']);
    // a room is named by its name as well as its id, and bridge/devices says which room a device is in (issue 19.18)
    await watch.client.publishAsync('hearth/h1/bridge/request/room/add_device', '{"room":"Living","device":"living/lamp"}', { qos: 1 });
    expect(JSON.parse((await watch.waitFor('hearth/h1/bridge/response/room/add_device')).payload)).toEqual({
      status: 'ok',
      data: { id: 'living', name: 'Living', devices: [lamp] },
    });
    const placed = await watch.waitFor('hearth/h1/bridge/devices', (p) => p.includes('"room":{'));
    const rows = (JSON.parse(placed.payload) as Record<string, unknown>[]).map((d) => [d.friendly_name, d.room]);
    expect(rows.sort()).toEqual([
      ['living/lamp', { id: 'living', name: 'Living' }],
      ['living/remote', null],
    ]);
    const health = JSON.parse((await watch.waitFor('hearth/h1/bridge/health')).payload) as Record<string, unknown>;
    expect(health).toMatchObject({ health: { status: 'ok' }, outbox: { dropped_events: 0 } });

    const before = watch.received.filter((m) => m.topic === 'hearth/h1/living/lamp').length;
    const states = (): number => watch.received.filter((m) => m.topic === 'hearth/h1/living/lamp').length;
    await watch.client.publishAsync('hearth/h1/living/lamp/get', '', { qos: 1 });
    await vi.waitFor(() => expect(states()).toBeGreaterThan(before));
    // a request sent after the /get is answered through the same outbox after whatever the /get produced
    await watch.client.publishAsync('hearth/h1/bridge/request/health_check', '{}', { qos: 1 });
    await watch.waitFor('hearth/h1/bridge/response/health_check');
    expect(states()).toBe(before + 1);
  });

  it('publishes availability, moves retained topics on rename and clears them on removal', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const watch = await MqttWatch.connect(url, 'hearth/h1/#');
    const { devices } = await hub(broker.port, await tempDir());
    devices.addDevice({ id: lamp, friendlyName: 'lamp', radio: 'zigbee', capabilities: bulb });
    await devices.report(lamp, { state: 'ON', brightness: 100 });
    devices.availability(lamp, false);
    await watch.waitFor('hearth/h1/lamp/availability', '{"state":"offline"}');
    devices.availability(lamp, true);
    await watch.waitFor('hearth/h1/lamp/availability', '{"state":"online"}');
    expect(await retainedOn(url, 'hearth/h1/lamp/availability')).toBe('{"state":"online"}');

    await watch.client.publishAsync('hearth/h1/bridge/request/device/rename', '{"from":"lamp","to":"hall/lamp"}', { qos: 1 });
    await watch.waitFor('hearth/h1/hall/lamp', (p) => p.includes('"brightness":100'));
    await watch.waitFor('hearth/h1/hall/lamp/availability', '{"state":"online"}');
    // the old topics are cleared once Home Assistant has had the configs of the new ones (ha-discovery.ts)
    await watch.waitFor('hearth/h1/lamp', '');
    await watch.waitFor('hearth/h1/lamp/availability', '');
    expect(await retainedOn(url, 'hearth/h1/lamp')).toBeUndefined();
    expect(await retainedOn(url, 'hearth/h1/lamp/availability')).toBeUndefined();
    expect(JSON.parse((await retainedOn(url, 'hearth/h1/hall/lamp')) ?? '{}')).toMatchObject({ state: 'ON', brightness: 100 });

    await watch.client.publishAsync('hearth/h1/bridge/request/device/remove', '{"id":"hall/lamp","transaction":"r"}', { qos: 1 });
    expect(JSON.parse((await watch.waitFor('hearth/h1/bridge/response/device/remove')).payload)).toMatchObject({
      status: 'ok',
      transaction: 'r',
    });
    await watch.waitFor('hearth/h1/hall/lamp', '');
    await watch.waitFor('hearth/h1/hall/lamp/availability', '');
    expect(await retainedOn(url, 'hearth/h1/hall/lamp')).toBeUndefined();
    expect(await retainedOn(url, 'hearth/h1/hall/lamp/availability')).toBeUndefined();
    expect(JSON.parse((await retainedOn(url, 'hearth/h1/bridge/devices')) ?? '[{}]')).toEqual([]);
  });

  it('keeps everything reported during a broker outage of several reconnect attempts and delivers it afterwards: every event in order, the latest state', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const url = `mqtt://127.0.0.1:${broker.port}`;
    // the hub reaches the broker through a relay, held shut after the restart until the test's
    // subscriber is in: else the hub can drain its backlog before anyone listens
    const relay = await NetworkCut.to(broker.port);
    const { devices, bridge, link } = await hub(relay.port, await tempDir());
    const ids = [0, 1, 2].map((i) => `zigbee:0x00158d00000000${String(i).padStart(2, '0')}`);
    ids.forEach((id, i) => devices.addDevice({ id, friendlyName: `button${i}`, radio: 'zigbee', capabilities: buttons }));
    await broker.kill();
    // the devices keep reporting while the broker is away, five rounds a second, until the hub
    // has failed to reconnect three times (reconnectMaxMs 2 s: the outage spans its backoff)
    const outageBegan = Date.now();
    for (let n = 0; n < 30; n++) {
      for (const id of ids) await devices.report(id, { action: n % 2 === 0 ? 'single' : 'double', battery: 100 - n });
      await new Promise((resolve) => setTimeout(resolve, outageBegan + (n + 1) * 200 - Date.now()));
    }
    await until(() => link.reconnectAttempts >= 3, 15_000, 'three failed reconnects');
    expect(bridge.outbox.size).toBeGreaterThanOrEqual(90);
    relay.cut();
    await broker.restart();
    const watch = await MqttWatch.connect(url, 'hearth/h1/#');
    relay.mend();
    // a report's state goes out before its event (device-actor.ts: the event carries the applied
    // values), so both the last state and the last event are awaited before the events are counted
    for (let i = 0; i < 3; i++) {
      await watch.waitFor(`hearth/h1/button${i}`, (p) => p.includes('"battery":71') && !p.includes('action'), 20_000);
      await watch.waitFor(`hearth/h1/button${i}`, (p) => p.includes('"battery":71') && p.includes('action'), 20_000);
    }
    for (let i = 0; i < 3; i++) {
      const events = watch.received
        .filter((m) => m.topic === `hearth/h1/button${i}` && m.payload.includes('action'))
        .map((m) => (JSON.parse(m.payload) as { battery: number }).battery);
      expect(events, `button${i}`).toEqual(Array.from({ length: 30 }, (_, n) => 100 - n));
    }
    // every message leaves the outbox as its PUBACK comes in
    for (const began = Date.now(); bridge.outbox.size > 0 && Date.now() - began < 10_000;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bridge.outbox.size).toBe(0);
  }, 90_000);
});

describe('uplink bridge under SIGKILL during an outage', () => {
  it('delivers, after a restart, every event committed before the kill, in order per device', async () => {
    const reporter = fileURLToPath(new URL('fixtures/hub-reporter.ts', import.meta.url));
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const stateDir = await tempDir();
    const run = (mode: string, lines: string[] = []) => {
      const child = new LineChild(reporter, [stateDir, String(broker.port), mode], (line) => lines.push(line));
      onTestFinished(() => child.kill());
      return child;
    };
    const printed: string[] = [];
    const first = run('report', printed);
    await broker.kill(); // the outage begins; the hub keeps reporting into its outbox
    for (const began = Date.now(); printed.length < 100 && Date.now() - began < 20_000;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.kill();
    const committed = printed.filter((line) => line.startsWith('button'));
    expect(committed.length).toBeGreaterThan(50);

    await broker.restart();
    const watch = await MqttWatch.connect(`mqtt://127.0.0.1:${broker.port}`, 'hearth/crash/#');
    run('idle');
    for (let i = 0; i < 3; i++) {
      const last = committed
        .filter((line) => line.startsWith(`button${i} `))
        .at(-1)
        ?.split(' ')[1];
      await watch.waitFor(`hearth/crash/button${i}`, (p) => p.includes('"action"') && p.includes(`"n":${last}`), 30_000);
      const delivered = watch.received
        .filter((m) => m.topic === `hearth/crash/button${i}` && m.payload.includes('"action"'))
        .map((m) => (JSON.parse(m.payload) as { n: number }).n);
      const expected = committed.filter((line) => line.startsWith(`button${i} `)).map((line) => Number(line.split(' ')[1]));
      // every committed event, once, in order (a few more may follow: committed, not yet printed)
      expect(delivered.slice(0, expected.length), `button${i}`).toEqual(expected);
    }
  }, 90_000);
});
