/**
 * A publish the broker refuses for good (Mosquitto with an ACL: MQTT 5 PUBACK 0x87) leaves the
 * outbox, is counted and logged with its topic (a warning the first time per topic), and holds
 * up nothing behind it.
 */
import { Writable } from 'node:stream';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const SENSOR = 'zigbee:0x00158d0001a2b3d1';

describe('outbox and a broker that refuses', () => {
  it('drops a refused message with a warning naming its topic, and goes on with the rest', async () => {
    const acl = 'pattern readwrite hearth/%u/#\nuser watcher\ntopic read #\n';
    const broker = await Mosquitto.start({ users: { r1: 'p1', watcher: 'pw' }, acl });
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, '#', { username: 'watcher', password: 'pw' });
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    // discovery under a prefix the ACL does not grant r1: every config is refused
    const hub = await startBridgedHub(
      {
        hubId: 'r1',
        stateDir: await tempDir(),
        uplink: { port: broker.port, username: 'r1', password: 'p1', startupWaitMs: 3000, healthIntervalS: 0, maxInFlight: 2 },
        homeassistant: { prefix: 'elsewhere' },
        store: { journalBatchMs: 5 },
      },
      { log: pino({ level: 'debug' }, sink) },
    );
    onTestFinished(hub.stop);
    hub.devices.addDevice({
      id: SENSOR,
      friendlyName: 'sensor',
      radio: 'zigbee',
      capabilities: JSON.parse(JSON.stringify([e.temperature(), e.humidity()])) as Capability[],
    });
    const refusedConfig = 'elsewhere/sensor/hearth-r1/zigbee_0x00158d0001a2b3d1_temperature/config';
    const warnings = () => lines.filter((line) => line.level === 40 && String(line.msg).startsWith('the broker refused a publish'));
    await until(() => warnings().length === 3, 5000, "three refusals (the hub's config and the sensor's two)");
    // with two in flight at most, a refused message kept in the outbox would hold up what comes after it
    await hub.devices.report(SENSOR, { temperature: 20 });
    await watch.waitFor('hearth/r1/sensor', (p) => p.includes('"temperature":20'));
    expect(warnings().find((line) => line.topic === refusedConfig)).toMatchObject({
      reasonCode: '0x87',
      msg: `the broker refused a publish to ${refusedConfig} (Publish error: Not authorized); dropped from the outbox`,
    });
    expect(hub.bridge.health()).toMatchObject({ refused: 3 });
    await until(() => hub.bridge.outbox.size === 0, 5000, 'an empty outbox');
    expect(watch.received.some((m) => m.topic.startsWith('elsewhere/'))).toBe(false);

    // the device's two configs refused again: counted, logged at debug only
    hub.devices.renameDevice(SENSOR, 'sensor-2');
    await until(() => hub.bridge.health().refused === 5, 5000, "two more refusals (the hub's own config did not change)");
    expect(warnings()).toHaveLength(3);
    expect(lines.filter((line) => line.level === 20 && line.topic === refusedConfig)).toHaveLength(1);
    await until(() => hub.bridge.outbox.size === 0, 5000, 'an empty outbox');
  });
});
