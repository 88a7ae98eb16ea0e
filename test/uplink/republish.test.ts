/**
 * What a broker holds of the hub, against a real Mosquitto (issue 19, points 6 and 7): a broker
 * with no session for the hub (a fresh one, or one restarted without persistence) gets every
 * retained topic the hub owns again, once each; and the hub publishes each state once: the same
 * retained payload twice, a burst of registry changes and a device's availability arriving just
 * after it do not each cost a message.
 */
import { connectAsync } from 'mqtt';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, type Received } from '../support/mqtt-watch.js';
import { NetworkCut } from '../support/network-cut.js';
import { withoutLastSeen } from '../support/publish-counts.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];
const LAMP = 'zigbee:0x00158d0001a2b3c4';
const DOOR = 'zigbee:0x00158d0001a2b3c5';
const FILTERS = ['hearth/r/#', 'homeassistant/#'];

async function hubOn(port: number, stateDir: string) {
  const hub = await startBridgedHub({
    hubId: 'r',
    stateDir,
    uplink: { port, startupWaitMs: 3000, reconnectMinMs: 100, reconnectMaxMs: 300, healthIntervalS: 0, drainRatePerS: 5000 },
    store: { journalBatchMs: 5 },
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await hub.stop();
  };
  onTestFinished(stop);
  const reads: string[] = [];
  hub.devices.attachRadio('zigbee', {
    ...radioPort(() => Promise.resolve()),
    // as a radio does: the answers arrive as reports before the read resolves
    read: async (id) => {
      reads.push(id);
      await hub.devices.report(id, { state: 'ON', brightness: 100 }, 1_700_000_000_000);
    },
  });
  return { ...hub, stop, reads };
}

/** Every retained message under the hub's topics and Home Assistant's, as a fresh subscriber gets them. */
async function retainedSnapshot(url: string): Promise<Map<string, string>> {
  const client = await connectAsync(url, { reconnectPeriod: 0 });
  try {
    const retained = new Map<string, string>();
    const marker = `hearth/r/test-marker-${Math.random()}`;
    let done = false;
    client.on('message', (topic, payload, packet) => {
      if (topic === marker) done = true;
      else if (packet.retain) retained.set(topic, payload.toString());
    });
    await client.subscribeAsync(FILTERS, { qos: 1 });
    // the broker hands over retained messages before anything published after the subscription
    await client.publishAsync(marker, 'x', { qos: 1 });
    await until(() => done, 5000, 'the marker');
    retained.delete('hearth/r/bridge/state');
    return retained;
  } finally {
    await client.endAsync(true);
  }
}

/** How many messages each topic got (the topics of the hub's own connection state left out). */
function perTopic(received: readonly Received[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of received) if (topic !== 'hearth/r/bridge/state') counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}

async function watchAll(url: string): Promise<MqttWatch> {
  const watch = await MqttWatch.connect(url, FILTERS[0] ?? '');
  await watch.client.subscribeAsync(FILTERS[1] ?? '', { qos: 1 });
  return watch;
}

/** Waits until `watch` has what the broker had for it when this was called (a marker of its own comes behind it). */
async function watchCaughtUp(watch: MqttWatch): Promise<void> {
  const marker = `test-marker-${Math.random()}`;
  await watch.client.publishAsync('hearth/r/test-marker', marker, { qos: 1 });
  await watch.waitFor('hearth/r/test-marker', (p) => p === marker);
}

/** Waits until the broker holds what `expected` says, and every topic of it came once. */
async function expectRepublished(url: string, expected: Map<string, string>, watch: MqttWatch): Promise<void> {
  let now = new Map<string, string>();
  await until(
    () =>
      expected.size > 0 &&
      [...expected].every(([topic, payload]) =>
        watch.received.some((m) => m.topic === topic && withoutLastSeen(m.payload) === withoutLastSeen(payload)),
      ),
    8000,
    'every retained topic again',
  ).catch(async (error: unknown) => {
    now = await retainedSnapshot(url);
    const missing = [...expected.keys()].filter(
      (topic) => withoutLastSeen(now.get(topic) ?? '') !== withoutLastSeen(expected.get(topic) ?? '-'),
    );
    throw new Error(`${String(error)}; the broker lacks ${missing.length} of ${expected.size}: ${missing.join(', ')}`);
  });
  now = await retainedSnapshot(url);
  // a state goes out with the device's latest last_seen (a report that moved only last_seen waited: device-topics.ts)
  const comparable = (map: Map<string, string>) => new Map([...map].map(([topic, payload]) => [topic, withoutLastSeen(payload)]));
  expect(comparable(now)).toEqual(comparable(expected));
  const counts = perTopic(watch.received);
  expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
}

describe('a broker without a session for the hub', () => {
  it('gets every retained topic again, once each: a fresh broker after the hub restarts, and the same broker restarted without persistence', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    const stateDir = await tempDir();
    const first = await hubOn(relay.port, stateDir);
    first.devices.addDevice({ id: LAMP, friendlyName: 'living/lamp', radio: 'zigbee', capabilities: caps(e.light_brightness()) });
    first.devices.addDevice({ id: DOOR, friendlyName: 'front door', radio: 'zigbee', capabilities: caps(e.contact(), e.battery()) });
    await first.devices.report(LAMP, { state: 'ON', brightness: 80 });
    await first.devices.report(DOOR, { contact: true, battery: 90 });
    first.devices.availability(LAMP, true);
    first.devices.availability(DOOR, false);
    const seen = await watchAll(broker.url);
    await seen.waitFor('hearth/r/front door/availability', '{"state":"offline"}');
    await until(
      () => seen.received.some((m) => m.topic.includes('0x00158d0001a2b3c5') && m.payload.includes('front door/availability')),
      8000,
      'the door config with its availability',
    );
    await first.bridge.discovery?.settled();
    await until(() => first.bridge.outbox.size === 0, 8000, 'an empty outbox');
    const held = await retainedSnapshot(broker.url);
    for (const topic of [
      'hearth/r/living/lamp',
      'hearth/r/living/lamp/availability',
      'hearth/r/front door/availability',
      'hearth/r/bridge/devices',
      'hearth/r/bridge/rooms',
      'hearth/r/bridge/info',
    ])
      expect(held.has(topic), topic).toBe(true);
    expect([...held.keys()].filter((topic) => topic.startsWith('homeassistant/')).length).toBeGreaterThanOrEqual(4);
    await first.stop();

    // a fresh broker (Mosquitto without persistence, restarted): the hub starts again on its state
    relay.cut();
    await broker.restart();
    const fresh = await watchAll(broker.url);
    relay.mend();
    const second = await hubOn(relay.port, stateDir);
    await expectRepublished(broker.url, held, fresh);

    // the broker restarts under the running hub, which has nothing in flight (what is, mqtt.js sends again on the new
    // connection: a QoS 1 duplicate, not the hub's republish; the hub's own part of that is the test below)
    await until(() => second.bridge.outbox.size === 0 && second.link.unacknowledged === 0, 8000, 'nothing in flight');
    relay.cut();
    await broker.restart();
    const restarted = await watchAll(broker.url);
    relay.mend();
    await expectRepublished(broker.url, held, restarted);
    expect(second.bridge.republishes).toBe(2);
  }, 30_000);
});

describe('a publish in flight when the connection is lost', () => {
  it('reaches a fresh broker once: an unacknowledged bridge/info is sent again by the client, not announced a second time', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    // bridge/info reaches the broker; its PUBACK never reaches the hub
    relay.losePubackOf('hearth/r/bridge/info');
    const seen = await watchAll(broker.url);
    const hub = await hubOn(relay.port, await tempDir());
    const info = await seen.waitFor('hearth/r/bridge/info', () => true);
    await until(() => hub.bridge.outbox.size === 0 && hub.link.unacknowledged === 1, 8000, 'bridge/info alone in flight');

    // the broker restarts without persistence while the hub is cut off
    relay.cut();
    await broker.restart();
    const fresh = await watchAll(broker.url);
    relay.keepPubacks();
    relay.mend();
    await fresh.waitFor('hearth/r/bridge/info', () => true);
    await until(
      () => hub.bridge.republished === 2 && hub.bridge.outbox.size === 0 && hub.link.unacknowledged === 0,
      8000,
      'the republish through',
    );
    // everything the hub sent is at the broker: the watch gets it before a message published after it
    await watchCaughtUp(fresh);
    expect((await retainedSnapshot(broker.url)).get('hearth/r/bridge/info')).toBe(info.payload);
    expect(fresh.received.filter((m) => m.topic === 'hearth/r/bridge/info').map((m) => m.payload)).toEqual([info.payload]);
  }, 30_000);
});

describe('each state once', () => {
  it('does not publish the same retained payload twice, builds bridge/devices once for a burst, and discovery once with availability', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const hub = await hubOn(broker.port, await tempDir());
    const watch = await watchAll(broker.url);
    const { devices } = hub;
    devices.addDevice({ id: LAMP, friendlyName: 'bulb', radio: 'zigbee', capabilities: caps(e.light_brightness()) });
    await devices.report(LAMP, { state: 'OFF', brightness: 1 });
    await watch.waitFor('hearth/r/bulb', (p) => p.includes('"brightness":1'));
    const count = (topic: string, from: number): number => watch.received.slice(from).filter((m) => m.topic === topic).length;
    /** Everything enqueued so far is through: a request's answer comes behind it in the outbox. */
    const through = async (): Promise<void> => {
      const mark = watch.received.length;
      await watch.client.publishAsync('hearth/r/bridge/request/health_check', '{}', { qos: 1 });
      await until(() => watch.received.slice(mark).some((m) => m.topic === 'hearth/r/bridge/response/health_check'), 5000, 'the answer');
    };

    // a /get that reads the device back: its answer is a report; the same state is not sent again
    let mark = watch.received.length;
    await watch.client.publishAsync('hearth/r/bulb/get', '{"state":""}', { qos: 1 });
    await watch.waitFor('hearth/r/bulb', (p) => p.includes('"brightness":100'));
    await through();
    expect(hub.reads).toEqual([LAMP]);
    expect(count('hearth/r/bulb', mark)).toBe(1);
    // two reports of the same values in one millisecond
    mark = watch.received.length;
    await devices.report(LAMP, { state: 'OFF', brightness: 5 }, 1_700_000_000_500);
    await devices.report(LAMP, { state: 'OFF', brightness: 5 }, 1_700_000_000_500);
    await through();
    expect(count('hearth/r/bulb', mark)).toBe(1);
    // a /get of the hub's own state is always answered
    mark = watch.received.length;
    await watch.client.publishAsync('hearth/r/bulb/get', '', { qos: 1 });
    await through();
    expect(count('hearth/r/bulb', mark)).toBe(1);

    // twenty devices registered one turn apart (a radio announcing its nodes), each online a turn later
    mark = watch.received.length;
    const ids = Array.from({ length: 20 }, (_, i) => `zigbee:0x00158d00000001${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      devices.addDevice({ id, friendlyName: `sensor${i}`, radio: 'zigbee', capabilities: caps(e.temperature()) });
      await new Promise((resolve) => setImmediate(resolve));
      devices.availability(id, true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await watch.waitFor('hearth/r/bridge/devices', (p) => p.includes('"sensor19"'));
    await until(
      () =>
        ids.every((id, i) => watch.received.some((m) => m.topic.includes(id.slice(9)) && m.payload.includes(`sensor${i}/availability`))),
      8000,
      'every config with availability',
    );
    await hub.bridge.discovery?.settled();
    await through();
    expect(count('hearth/r/bridge/devices', mark)).toBe(1);
    const configs = watch.received
      .slice(mark)
      .filter((m) => m.topic.startsWith('homeassistant/') && ids.some((id) => m.topic.includes(id.slice(9))));
    expect(configs.length).toBeGreaterThanOrEqual(20);
    expect(configs.filter((m) => !m.payload.includes('/availability'))).toEqual([]);
    expect([...perTopic(configs)].filter(([, n]) => n !== 1)).toEqual([]);
  }, 30_000);
});
