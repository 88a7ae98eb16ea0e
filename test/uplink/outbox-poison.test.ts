/**
 * No single message can hold the outbox, against a real Mosquitto: a publish the broker drops
 * the connection for (here one over Mosquitto's `max_packet_size`) is set aside after three
 * drops in a row and what is behind it goes out; a message with a topic MQTT forbids, left at
 * the head of the outbox by an older version, is set aside unsent (no malformed-packet drop).
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { Outbox } from '../../src/uplink/outbox.js';
import { bridgeEvent } from '../../src/events/bridge-events.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { captureLog } from '../support/log-capture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const SENSOR = 'zigbee:0x00158d0001a2b3d7';
const temperature: Capability[] = [{ type: 'numeric', name: 'temperature', property: 'temperature', access: 1 } as unknown as Capability];
const uplink = (port: number) => ({ port, startupWaitMs: 3000, healthIntervalS: 0, reconnectMinMs: 100, reconnectMaxMs: 300 });

describe('a poisoned outbox', () => {
  it('sets aside a publish the broker keeps dropping the connection for, and drains what is behind it', async () => {
    const broker = await Mosquitto.start({ logConnections: true, extraConfig: ['max_packet_size 2048'] });
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/op/#');
    const capture = captureLog();
    const metrics = new Registry();
    const hub = await startBridgedHub(
      { hubId: 'op', stateDir: await tempDir(), uplink: uplink(broker.port), store: { journalBatchMs: 5 } },
      { log: capture.log, metrics },
    );
    onTestFinished(hub.stop);
    hub.devices.addDevice({ id: SENSOR, friendlyName: 'sensor', radio: 'zigbee', capabilities: temperature });
    await watch.waitFor('hearth/op/bridge/devices', (p) => p.includes(SENSOR));

    // over the broker's max_packet_size
    hub.hub.events.emit(
      'bridge.event',
      bridgeEvent('device_interview', { id: SENSOR, status: 'failed', message: `too_big ${'x'.repeat(4000)}` }),
    );
    await hub.devices.report(SENSOR, { temperature: 21.5 });
    hub.hub.events.emit('bridge.event', bridgeEvent('device_announce', { id: 'after' }));

    await watch.waitFor('hearth/op/sensor', (p) => p.includes('21.5'), 20_000);
    await watch.waitFor('hearth/op/bridge/event', (p) => p.includes('"after"'));
    await until(() => hub.bridge.outbox.size === 0, 5000, 'an empty outbox');
    expect(watch.received.some((m) => m.payload.includes('too_big'))).toBe(false);
    expect(hub.bridge.health()).toMatchObject({ setAside: 1 });
    const warning = capture.warnings('set aside');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ topic: 'hearth/op/bridge/event', drops: 3 });
    expect(await metrics.getSingleMetricAsString('hearth_outbox_set_aside_total')).toMatch(/hearth_outbox_set_aside_total 1$/m);
    expect(hub.link.connected).toBe(true);
  });

  it('sets aside unsent a message with a forbidden topic at the head of an older outbox', async () => {
    const broker = await Mosquitto.start({ logConnections: true });
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/op/#');
    const stateDir = await tempDir();
    // what an older version enqueued after a rename to "evil\u0001name"
    const old = await Outbox.open({
      dir: join(stateDir, 'outbox'),
      log: pino({ level: 'silent' }),
      maxBytes: 1_000_000,
      batchIntervalMs: 1,
    });
    await old.enqueue({ topic: 'hearth/op/evil\u0001name', payload: '{"state":"ON"}', retain: true, kind: 'state' });
    await old.enqueue({ topic: 'hearth/op/after', payload: '{"n":1}', retain: false, kind: 'event' });
    await old.close();

    const capture = captureLog();
    const hub = await startBridgedHub(
      { hubId: 'op', stateDir, uplink: uplink(broker.port), store: { journalBatchMs: 5 } },
      { log: capture.log },
    );
    onTestFinished(hub.stop);
    await watch.waitFor('hearth/op/after', '{"n":1}');
    await until(() => hub.bridge.outbox.size === 0, 5000, 'an empty outbox');
    expect(hub.bridge.health()).toMatchObject({ setAside: 1 });
    expect(capture.warnings('set aside unsent')[0]).toMatchObject({ topic: 'hearth/op/evil\u0001name' });
    expect(broker.log).not.toContain('malformed');
    expect(broker.log.match(/New client connected .* as hearth-op/g)).toHaveLength(1);
  });
});
