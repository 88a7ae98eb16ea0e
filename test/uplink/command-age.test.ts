/**
 * Commands the broker queued while the hub was away, against a real Mosquitto: carried out
 * when they cannot be older than uplink.commandMaxAgeS, answered COMMAND_EXPIRED and not
 * carried out when they may be; `sent_at` gives the exact age; a retained command is never
 * replayed onto a device; the bound survives a restart of the hub.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub, type BridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { NetworkCut } from '../support/network-cut.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';
import { radioPort } from '../support/radio-port.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';
const bulb = JSON.parse(JSON.stringify([e.light_brightness()])) as Capability[];

async function hub(port: number, stateDir: string, commandMaxAgeS: number): Promise<BridgedHub & { sent: Record<string, unknown>[] }> {
  const started = await startBridgedHub({
    hubId: 'h1',
    stateDir,
    uplink: { port, startupWaitMs: 5000, reconnectMinMs: 100, reconnectMaxMs: 200, commandMaxAgeS, healthIntervalS: 0 },
    store: { journalBatchMs: 5 },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await started.stop();
  };
  onTestFinished(stop);
  const sent: Record<string, unknown>[] = [];
  started.devices.attachRadio(
    'zigbee',
    radioPort((_id, payload) => Promise.resolve(void sent.push(payload))),
  );
  if (started.devices.device(lamp) === undefined)
    started.devices.addDevice({ id: lamp, friendlyName: 'lamp', radio: 'zigbee', capabilities: bulb });
  await until(() => started.link.connected, 10_000, 'the hub is connected');
  await subscribed(port);
  return { ...started, stop, sent };
}

/** Resolves once the hub answers a bridge request: its subscriptions are in place. */
async function subscribed(port: number): Promise<void> {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  try {
    await client.subscribeAsync('hearth/h1/bridge/response/health_check', { qos: 1 });
    const answered = new Promise((resolve) => client.once('message', resolve));
    await client.publishAsync('hearth/h1/bridge/request/health_check', '{}', { qos: 1 });
    await answered;
  } finally {
    await client.endAsync(true);
  }
}

/** An MQTT 5 client that sends commands as a phone app would. */
async function sender(url: string): Promise<MqttClient> {
  const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  onTestFinished(() => client.endAsync(true));
  return client;
}

/** A hub behind a relay, a watcher and a phone on the broker; the hub's link cut and noticed. */
async function hubCutOff(commandMaxAgeS: number) {
  const broker = await Mosquitto.start();
  onTestFinished(() => broker.stop());
  const relay = await NetworkCut.to(broker.port);
  const watch = await MqttWatch.connect(broker.url, 'hearth/h1/#');
  const phone = await sender(broker.url);
  const { sent, link } = await hub(relay.port, await tempDir(), commandMaxAgeS);
  relay.cut();
  await until(() => !link.connected, 10_000, 'the hub notices the outage');
  return { relay, watch, phone, sent };
}

const expiredEvents = (watch: MqttWatch) =>
  watch.received.filter((m) => m.topic === 'hearth/h1/bridge/event' && m.payload.includes('COMMAND_EXPIRED'));

describe('command age', () => {
  it('drops commands queued during an outage longer than the limit, unless sent_at shows them fresh', async () => {
    const { relay, watch, phone, sent } = await hubCutOff(1);
    await phone.publishAsync('hearth/h1/lamp/set', '{"state":"ON"}', { qos: 1 });
    await sleep(1500);
    await phone.publishAsync('hearth/h1/lamp/set', '{"brightness":20}', {
      qos: 1,
      properties: { userProperties: { sent_at: String(Date.now()) } },
    });
    await phone.publishAsync('hearth/h1/lamp/set', '{"brightness":30}', {
      qos: 1,
      properties: { userProperties: { sent_at: new Date(Date.now() - 5000).toISOString() } },
    });
    relay.mend();

    const expired = await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('COMMAND_EXPIRED') && p.includes('away'));
    expect(JSON.parse(expired.payload)).toMatchObject({ type: 'command_failed', data: { device: 'lamp', code: 'COMMAND_EXPIRED' } });
    await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('COMMAND_EXPIRED') && p.includes('sent_at'));
    await watch.waitFor('hearth/h1/lamp', (p) => p.includes('"brightness":20'));
    expect(sent).toEqual([{ brightness: 20 }]);

    // once the backlog is through, a command without sent_at is live and carried out
    await phone.publishAsync('hearth/h1/lamp/set', '{"state":"ON"}', { qos: 1 });
    await watch.waitFor('hearth/h1/lamp', (p) => p.includes('"ON"'));
    expect(sent).toEqual([{ brightness: 20 }, { state: 'ON' }]);
    expect(expiredEvents(watch)).toHaveLength(2);
  });

  it('carries out commands queued during an outage shorter than the limit, in order', async () => {
    const { relay, watch, phone, sent } = await hubCutOff(60);
    for (const brightness of [10, 20, 30]) await phone.publishAsync('hearth/h1/lamp/set', JSON.stringify({ brightness }), { qos: 1 });
    relay.mend();
    await watch.waitFor('hearth/h1/lamp', (p) => p.includes('"brightness":30'));
    expect(sent).toEqual([{ brightness: 10 }, { brightness: 20 }, { brightness: 30 }]);
    expect(expiredEvents(watch)).toHaveLength(0);
  });

  it('never replays a retained command onto the device', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/h1/#');
    const phone = await sender(broker.url);
    await phone.publishAsync('hearth/h1/lamp/set', '{"state":"ON"}', { qos: 1, retain: true });
    const { sent } = await hub(broker.port, await tempDir(), 60);
    const expired = await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('COMMAND_EXPIRED'));
    expect(JSON.parse(expired.payload)).toMatchObject({
      data: { device: 'lamp', code: 'COMMAND_EXPIRED', message: expect.stringContaining('retained') },
    });
    // a retained command with a fresh sent_at is carried out
    await phone.publishAsync('hearth/h1/lamp/set', '{"brightness":40}', {
      qos: 1,
      retain: true,
      properties: { userProperties: { sent_at: String(Date.now()) } },
    });
    await watch.waitFor('hearth/h1/lamp', (p) => p.includes('"brightness":40'));
    expect(sent).toEqual([{ brightness: 40 }]);
  });

  it('bounds the age of commands queued while the hub was stopped by when it last heard from the broker', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/h1/#');
    const phone = await sender(broker.url);
    const stateDir = await tempDir();

    const first = await hub(broker.port, stateDir, 2);
    await first.stop();
    await phone.publishAsync('hearth/h1/lamp/set', '{"brightness":50}', { qos: 1 });
    // restarted within the limit: the queued command is carried out
    const second = await hub(broker.port, stateDir, 2);
    await watch.waitFor('hearth/h1/lamp', (p) => p.includes('"brightness":50'));
    expect(second.sent).toEqual([{ brightness: 50 }]);
    await second.stop();

    await phone.publishAsync('hearth/h1/lamp/set', '{"brightness":60}', { qos: 1 });
    await sleep(2500);
    const third = await hub(broker.port, stateDir, 2);
    await watch.waitFor('hearth/h1/bridge/event', (p) => p.includes('COMMAND_EXPIRED'));
    await phone.publishAsync('hearth/h1/lamp/set', '{"brightness":70}', { qos: 1 });
    await watch.waitFor('hearth/h1/lamp', (p) => p.includes('"brightness":70'));
    expect(third.sent).toEqual([{ brightness: 70 }]);
  });
});
