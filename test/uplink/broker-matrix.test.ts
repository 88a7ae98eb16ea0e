/**
 * The MQTT contract against the brokers people run, each started by the test on free ports:
 * Mosquitto (the hub on MQTT 5, and pinned to 3.1.1), the embedded broker's aedes, NATS 2.9's
 * MQTT gateway and RabbitMQ 3.10's MQTT plugin (both 3.1.1 only). Per broker: the version the
 * hub ends up on and what it says it cannot do, retained bridge state and info, state publish,
 * retained availability, a `<device>/set` round trip, a bridge request and its response, QoS 1
 * events kept in the outbox through a broker-side disconnect (a session takeover) and replayed
 * in order, and the last will when the connection drops. One broker per kind for the file;
 * RabbitMQ's slow start runs while the others are tested.
 */
import { connectAsync } from 'mqtt';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { OFFLINE, ONLINE } from '../../src/uplink/mqtt-link.js';
import { MQTT_311_LIMITS } from '../../src/uplink/mqtt-version.js';
import { AedesBroker } from '../support/aedes-broker.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { captureLog } from '../support/log-capture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, retainedOn } from '../support/mqtt-watch.js';
import { NatsServer } from '../support/nats.js';
import { NetworkCut } from '../support/network-cut.js';
import { RabbitMq } from '../support/rabbitmq.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const bulb = JSON.parse(JSON.stringify([e.light_brightness()])) as Capability[];
const buttons = JSON.parse(JSON.stringify([e.action(['single', 'double']), e.battery()])) as Capability[];
const LAMP = 'zigbee:0x00158d0001a2b3c4';
const REMOTE = 'zigbee:0x00158d0001a2b3c5';
const OUTAGE_EVENTS = 20;

interface Broker {
  port: number;
  url: string;
  stop(): Promise<void>;
}

interface Case {
  name: string;
  broker: () => Promise<Broker>;
  mqttVersion: 'auto' | '3.1.1';
  /** The version the hub must end up on. */
  expected: '5' | '3.1.1';
}

const started = new Map<string, Promise<Broker>>();
/** One broker per kind for the file, started on first use (RabbitMQ at once, in beforeAll). */
function shared(kind: string, start: () => Promise<Broker>): () => Promise<Broker> {
  return () => {
    let broker = started.get(kind);
    if (broker === undefined) {
      broker = start();
      started.set(kind, broker);
    }
    return broker;
  };
}

const mosquitto = shared('mosquitto', () => Mosquitto.start());
const rabbitmq = shared('rabbitmq', () => RabbitMq.start(90_000));
const cases: Case[] = [
  { name: 'Mosquitto (MQTT 5)', broker: mosquitto, mqttVersion: 'auto', expected: '5' },
  { name: 'Mosquitto (MQTT 3.1.1)', broker: mosquitto, mqttVersion: '3.1.1', expected: '3.1.1' },
  { name: 'aedes (the embedded broker)', broker: shared('aedes', () => AedesBroker.start()), mqttVersion: 'auto', expected: '3.1.1' },
  { name: 'NATS 2.9 MQTT gateway', broker: shared('nats', () => NatsServer.start()), mqttVersion: 'auto', expected: '3.1.1' },
  { name: 'RabbitMQ 3.10 MQTT plugin', broker: rabbitmq, mqttVersion: 'auto', expected: '3.1.1' },
];

beforeAll(() => {
  // the slow one first, in the background: it comes up while the others are tested
  rabbitmq().catch(() => undefined);
});

afterAll(async () => {
  const brokers = await Promise.allSettled(started.values());
  await Promise.all(brokers.flatMap((broker) => (broker.status === 'fulfilled' ? [broker.value.stop()] : [])));
}, 30_000);

async function hubOn(broker: Broker, hubId: string, mqttVersion: Case['mqttVersion']) {
  // through a relay the test can refuse or cut: the hub cannot come back before the test says so
  const relay = await NetworkCut.to(broker.port);
  const capture = captureLog('info');
  const parts = await startBridgedHub(
    {
      hubId,
      stateDir: await tempDir(),
      uplink: { port: relay.port, mqttVersion, startupWaitMs: 10_000, reconnectMinMs: 100, reconnectMaxMs: 400, drainRatePerS: 2000 },
      homeassistant: { enabled: false },
      store: { journalBatchMs: 5 },
    },
    { log: capture.log },
  );
  onTestFinished(() => parts.stop());
  const sent: Record<string, unknown>[] = [];
  parts.devices.attachRadio(
    'zigbee',
    radioPort((_id, payload) => Promise.resolve(void sent.push(payload))),
  );
  return { ...parts, relay, sent, capture };
}

describe('the MQTT contract on every broker', () => {
  it.each(cases)(
    '$name',
    async ({ broker: startBroker, mqttVersion, expected }) => {
      const broker = await startBroker();
      const hubId = `m${Math.random().toString(36).slice(2, 8)}`;
      const base = `hearth/${hubId}`;
      const watch = await MqttWatch.connect(broker.url, `${base}/#`);
      const { devices, bridge, link, relay, sent, capture } = await hubOn(broker, hubId, mqttVersion);

      // connected on the version the broker speaks, saying what that version lacks
      expect(link.health()).toMatchObject({ status: 'ok', mqtt: { version: expected } });
      // RabbitMQ may still hold the will of the connection the version fallback dropped: online follows it
      await watch.waitFor(`${base}/bridge/state`, '{"state":"online"}');
      for (let tries = 0; (await retainedOn(broker.url, `${base}/bridge/state`)) !== '{"state":"online"}'; tries++)
        if (tries > 50) throw new Error('the broker does not hold bridge/state online');
      const info = JSON.parse((await retainedOn(broker.url, `${base}/bridge/info`)) ?? '{}') as { mqtt?: unknown };
      const said = capture.lines.filter((line) => String(line.msg).startsWith('connected over MQTT 3.1.1'));
      if (expected === '5') {
        expect(info.mqtt).toEqual({ version: '5' });
        expect(said).toEqual([]);
      } else {
        const without = MQTT_311_LIMITS.map((limit) => limit.name);
        expect(info.mqtt).toEqual({ version: '3.1.1', without });
        expect(link.health().mqtt).toEqual({ version: '3.1.1', without });
        expect(said).toHaveLength(1);
        for (const limit of MQTT_311_LIMITS) expect(said[0]?.msg).toContain(limit.meaning);
      }

      // state, retained; availability, retained
      devices.addDevice({ id: LAMP, friendlyName: 'lamp', radio: 'zigbee', capabilities: bulb });
      devices.addDevice({ id: REMOTE, friendlyName: 'remote', radio: 'zigbee', capabilities: buttons });
      await devices.report(LAMP, { state: 'OFF', brightness: 10 });
      const state = await watch.waitFor(`${base}/lamp`, (p) => p.includes('"brightness":10'));
      expect(JSON.parse(state.payload)).toMatchObject({ state: 'OFF', brightness: 10 });
      expect(await retainedOn(broker.url, `${base}/lamp`)).toBe(state.payload);
      devices.availability(LAMP, false);
      await watch.waitFor(`${base}/lamp/availability`, '{"state":"offline"}');
      devices.availability(LAMP, true);
      await watch.waitFor(`${base}/lamp/availability`, '{"state":"online"}');
      expect(await retainedOn(broker.url, `${base}/lamp/availability`)).toBe('{"state":"online"}');

      // a command round trip
      await watch.client.publishAsync(`${base}/lamp/set`, '{"state":"ON","brightness":200}', { qos: 1 });
      await watch.waitFor(`${base}/lamp`, (p) => p.includes('"brightness":200') && p.includes('"ON"'));
      expect(sent).toEqual([{ state: 'ON', brightness: 200 }]);

      // a bridge request and its response (and, over MQTT 5, on the requester's response topic)
      await watch.client.publishAsync(`${base}/bridge/request/health_check`, '{"transaction":"t-1"}', { qos: 1 });
      const response = await watch.waitFor(`${base}/bridge/response/health_check`, (p) => p.includes('"t-1"'));
      expect(JSON.parse(response.payload)).toMatchObject({ status: 'ok', data: { healthy: true }, transaction: 't-1' });
      if (expected === '5') {
        const requester = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
        onTestFinished(() => requester.endAsync(true));
        const answered = new Promise<{ payload: string; correlation: string | undefined }>((resolve) =>
          requester.on('message', (_topic, payload, packet) =>
            resolve({ payload: payload.toString(), correlation: packet.properties?.correlationData?.toString() }),
          ),
        );
        await requester.subscribeAsync('reply/here', { qos: 1 });
        await requester.publishAsync(`${base}/bridge/request/health_check`, '{}', {
          qos: 1,
          properties: { responseTopic: 'reply/here', correlationData: Buffer.from('c-7') },
        });
        expect(await answered).toMatchObject({ payload: expect.stringContaining('"status":"ok"'), correlation: 'c-7' });
      }

      // a broker-side disconnect: another client takes over the hub's client id (its session
      // stays), the hub cannot come back (the relay refuses it) and reports meanwhile
      relay.refuseNew();
      const usurper = await connectAsync(broker.url, {
        clientId: `hearth-${hubId}`,
        clean: false,
        protocolVersion: expected === '5' ? 5 : 4,
        reconnectPeriod: 0,
      });
      await until(() => !link.connected, 10_000, 'the broker dropping the hub');
      await usurper.endAsync();
      for (let n = 0; n < OUTAGE_EVENTS; n++) await devices.report(REMOTE, { action: n % 2 === 0 ? 'single' : 'double', battery: 100 - n });
      await until(() => bridge.outbox.size >= OUTAGE_EVENTS, 10_000, 'the events in the outbox');
      relay.mend();
      await until(() => link.connected, 10_000, 'the hub reconnecting');
      await watch.waitFor(`${base}/remote`, (p) => p.includes('action') && p.includes(`"battery":${101 - OUTAGE_EVENTS}`));
      const events = watch.received
        .filter((m) => m.topic === `${base}/remote` && m.payload.includes('action'))
        .map((m) => (JSON.parse(m.payload) as { battery: number }).battery);
      expect(events, 'every event once, in order').toEqual(Array.from({ length: OUTAGE_EVENTS }, (_, n) => 100 - n));
      await until(() => bridge.outbox.size === 0, 10_000, 'the outbox drained');
      await watch.waitFor(`${base}/bridge/state`, '{"state":"online"}');

      // the connection drops (no DISCONNECT): the broker publishes the will, retained
      const count = (payload: string): number =>
        watch.received.filter((m) => m.topic === `${base}/bridge/state` && m.payload === payload).length;
      const [willsBefore, birthsBefore] = [count(OFFLINE), count(ONLINE)];
      relay.cut();
      await until(() => count(OFFLINE) > willsBefore, 15_000, 'the last will');
      expect(await retainedOn(broker.url, `${base}/bridge/state`)).toBe(OFFLINE);
      relay.mend();
      await until(() => link.connected && count(ONLINE) > birthsBefore, 10_000, 'the hub online again after the cut');
      // aedes and RabbitMQ publish the cut connection's will once the new one took the session over, often after
      // the birth: the hub answers it, and the broker holds online
      for (let tries = 0; (await retainedOn(broker.url, `${base}/bridge/state`)) !== ONLINE; tries++)
        if (tries > 100) throw new Error('the broker does not hold bridge/state online after the reconnect');
      // RabbitMQ's start (10-60 s on a loaded machine) is waited for inside its case
    },
    120_000,
  );
});
