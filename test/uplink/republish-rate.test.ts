/**
 * The republish for a broker without the hub's session keeps to `uplink.drainRatePerS` (issue
 * 19.6, re-count point 3), against a real Mosquitto restarted without persistence under the
 * running hub: every retained topic comes again, through the outbox at the backlog's rate,
 * counted by a plain subscriber as the messages arrive.
 */
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { NetworkCut } from '../support/network-cut.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const RATE = 50;
const DEVICES = 60;
const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];

describe('the republish for a broker without a session for the hub', () => {
  it(`goes out at uplink.drainRatePerS (${RATE}/s), not all at once`, async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    const hub = await startBridgedHub({
      hubId: 'rr',
      stateDir: await tempDir(),
      uplink: { port: relay.port, startupWaitMs: 3000, reconnectMinMs: 100, reconnectMaxMs: 300, healthIntervalS: 0, drainRatePerS: RATE },
      store: { journalBatchMs: 5 },
    });
    onTestFinished(() => hub.stop());
    hub.devices.attachRadio(
      'zigbee',
      radioPort(() => Promise.resolve()),
    );
    for (let i = 0; i < DEVICES; i++) {
      const id = `zigbee:0x00158d00000002${String(i).padStart(2, '0')}`;
      hub.devices.addDevice({ id, friendlyName: `lamp${i}`, radio: 'zigbee', capabilities: caps(e.light_brightness()) });
      await hub.devices.report(id, { state: 'ON', brightness: i + 1 });
      hub.devices.availability(id, true);
    }
    await until(() => !hub.bridge.listsPending && hub.bridge.outbox.size === 0, 30_000, 'everything out');
    await hub.bridge.discovery?.settled();
    await until(() => hub.bridge.outbox.size === 0, 30_000, 'everything out');

    relay.cut();
    await broker.restart();
    const watch = await MqttWatch.connect(broker.url, 'hearth/rr/#');
    await watch.client.subscribeAsync('homeassistant/#', { qos: 1 });
    const arrivals: number[] = [];
    watch.client.on('message', (topic) => {
      if (topic !== 'hearth/rr/bridge/state' && topic !== 'hearth/rr/bridge/info') arrivals.push(performance.now());
    });
    const before = hub.bridge.republishes; // the first connection, to a fresh broker, was one
    relay.mend();
    await until(() => hub.bridge.republishes > before, 10_000, 'the republish');
    // every message of it in the outbox (the states are read from the store first), then through
    await until(() => hub.bridge.republished === hub.bridge.republishes && !hub.bridge.listsPending, 30_000, 'the republish enqueued');
    await until(() => hub.bridge.outbox.size === 0 && arrivals.length > 0, 60_000, 'the republish through');
    const total = arrivals.length;
    const first = arrivals[0] ?? 0;
    const spanS = ((arrivals.at(-1) ?? 0) - first) / 1000;
    const inFirstSecond = arrivals.filter((at) => at - first < 1000).length;
    process.stderr.write(
      `republish: ${total} messages over ${spanS.toFixed(2)} s, ${inFirstSecond} in the first second (rate ${RATE}/s)\n`,
    );
    expect(total).toBeGreaterThanOrEqual(3 * DEVICES);
    // a full bucket (RATE) at once, then RATE a second (10 % for when the first message is seen): never more, however fast the broker answers
    expect(inFirstSecond).toBeLessThanOrEqual(2.2 * RATE);
    expect(spanS).toBeGreaterThanOrEqual(((total - RATE) / RATE) * 0.9);
  }, 90_000);
});
