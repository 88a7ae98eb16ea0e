/**
 * A restarted hub on a broker without its session (issue 20, restart): what the store knows
 * goes out first. Against a real Mosquitto restarted without persistence: the second life's
 * `bridge/devices` and every device's state and availability from the store arrive before the
 * first Home Assistant config, which drain behind them at the backlog's rate; and the radios
 * start only once the broker has them (the hub's start has resolved by then).
 */
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const DEVICES = 40;
const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];
const name = (i: number) => `lamp${i}`;

async function hubOn(port: number, stateDir: string) {
  const hub = await startBridgedHub({
    hubId: 'kf',
    stateDir,
    uplink: { port, startupWaitMs: 3000, healthIntervalS: 0, drainRatePerS: 40 },
    store: { journalBatchMs: 5 },
  });
  onTestFinished(() => hub.stop());
  return hub;
}

describe('a restart on a broker without the hub session', () => {
  it('publishes bridge/devices and every state and availability from the store before the Home Assistant configs', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const stateDir = await tempDir();
    const first = await hubOn(broker.port, stateDir);
    first.devices.attachRadio(
      'zigbee',
      radioPort(() => Promise.resolve()),
    );
    for (let i = 0; i < DEVICES; i++) {
      const id = `zigbee:0x00158d00000003${String(i).padStart(2, '0')}`;
      first.devices.addDevice({ id, friendlyName: name(i), radio: 'zigbee', capabilities: caps(e.light_brightness()) });
      await first.devices.report(id, { state: 'ON', brightness: i + 1 });
      first.devices.availability(id, true);
    }
    await until(() => !first.bridge.listsPending && first.bridge.outbox.size === 0, 30_000, 'the first life out');
    await first.bridge.discovery?.settled();
    await until(() => first.bridge.outbox.size === 0, 30_000, 'the first life out');
    await first.stop();

    await broker.restart();
    const watch = await MqttWatch.connect(broker.url, 'hearth/kf/#');
    await watch.client.subscribeAsync('homeassistant/#', { qos: 1 });
    const second = await hubOn(broker.port, stateDir);
    // the start resolves after the radios started, which wait for the broker to have what the store knows
    const known = (topic: string) => watch.received.findIndex((m) => m.topic === topic);
    const stateTopics = Array.from({ length: DEVICES }, (_, i) => [`hearth/kf/${name(i)}`, `hearth/kf/${name(i)}/availability`]).flat();
    await until(() => stateTopics.every((topic) => known(topic) >= 0), 10_000, 'every state and availability');
    await until(() => second.bridge.outbox.size === 0 && !second.bridge.listsPending, 30_000, 'the configs through');
    const configs = watch.received.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
    expect(configs.length).toBeGreaterThan(DEVICES);
    const firstConfig = watch.received.findIndex((m) => m.topic.startsWith('homeassistant/'));
    const lastState = Math.max(...stateTopics.map(known), known('hearth/kf/bridge/devices'));
    expect(lastState).toBeLessThan(firstConfig);
    expect(watch.received.find((m) => m.topic === `hearth/kf/${name(3)}`)?.payload).toContain('"brightness":4');
    expect(watch.received.find((m) => m.topic === `hearth/kf/${name(3)}/availability`)?.payload).toBe('{"state":"online"}');
  }, 60_000);
});
