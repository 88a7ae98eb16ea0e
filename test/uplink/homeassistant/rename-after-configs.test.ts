/**
 * A rename's old topics are cleared only once the new configs are on the broker (issue 19.3
 * and the re-count's point 2), against a real Mosquitto behind a relay the test cuts: while the
 * broker is away the configs wait in the outbox, and no clear joins them however long that
 * lasts; once they are acknowledged, Home Assistant gets `homeassistant.configsAppliedMs` to apply them
 * before the old state and availability are cleared.
 */
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../../src/model/capabilities.js';
import { startBridgedHub } from '../../support/bridged-hub.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { NetworkCut } from '../../support/network-cut.js';
import { radioPort } from '../../support/radio-port.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';

const LAMP = 'zigbee:0x00158d0001a2b3c4';
const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];

describe('the old topics of a renamed device', () => {
  it('are cleared after the new configs reached the broker, however long they waited in the outbox', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    const hub = await startBridgedHub({
      hubId: 'rn',
      stateDir: await tempDir(),
      uplink: { port: relay.port, startupWaitMs: 3000, reconnectMinMs: 100, reconnectMaxMs: 300, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
    });
    onTestFinished(() => hub.stop());
    // the schema's default (Zigbee2MQTT's 2 s): this test pins it
    const CONFIGS_APPLIED_MS = hub.config.homeassistant.configsAppliedMs;
    expect(CONFIGS_APPLIED_MS).toBe(2000);
    hub.devices.attachRadio(
      'zigbee',
      radioPort(() => Promise.resolve()),
    );
    const watch = await MqttWatch.connect(broker.url, '#');
    const arrived: { topic: string; payload: string; at: number }[] = [];
    watch.client.on('message', (topic, payload) => arrived.push({ topic, payload: payload.toString(), at: Date.now() }));
    hub.devices.addDevice({ id: LAMP, friendlyName: 'living/lamp', radio: 'zigbee', capabilities: caps(e.light_brightness()) });
    await hub.devices.report(LAMP, { state: 'ON', brightness: 80 });
    hub.devices.availability(LAMP, true);
    await watch.waitFor('hearth/rn/living/lamp/availability', '{"state":"online"}');
    await until(
      () => arrived.some((m) => m.topic.endsWith('/config') && m.payload.includes('living/lamp/availability')),
      8000,
      'the configs',
    );
    await hub.bridge.discovery?.settled();
    await until(() => hub.bridge.outbox.size === 0, 8000, 'an empty outbox');

    // the broker is away: the rename's configs wait in the outbox
    relay.cut();
    await until(() => !hub.link.connected, 5000, 'the hub sees the broker gone');
    hub.devices.renameDevice(LAMP, 'hall/lamp');
    await until(() => hub.bridge.outbox.pending().some((m) => m.payload.includes('"hearth/rn/hall/lamp"')), 5000, 'the new configs queued');
    await hub.bridge.discovery?.settled();
    const clearQueued = (): boolean => hub.bridge.outbox.pending().some((m) => m.topic === 'hearth/rn/living/lamp' && m.payload === '');
    // longer than the grace Home Assistant gets: a clear timed from the queueing would be in the outbox by now
    const early = await until(clearQueued, CONFIGS_APPLIED_MS + 1500, 'a clear').then(
      () => true,
      () => false,
    );
    expect(early).toBe(false);

    const mark = arrived.length;
    relay.mend();
    const cleared = (topic: string): boolean => arrived.slice(mark).some((m) => m.topic === topic && m.payload === '');
    await until(() => cleared('hearth/rn/living/lamp') && cleared('hearth/rn/living/lamp/availability'), 15_000, 'both clears');
    const after = arrived.slice(mark);
    const configs = after.filter((m) => m.topic.endsWith('/config') && m.payload.includes('"hearth/rn/hall/lamp"'));
    const clears = after.filter(
      (m) => (m.topic === 'hearth/rn/living/lamp' || m.topic === 'hearth/rn/living/lamp/availability') && m.payload === '',
    );
    expect(configs.length).toBeGreaterThan(0);
    expect(clears).toHaveLength(2);
    const lastConfig = Math.max(...configs.map((m) => m.at));
    const firstClear = Math.min(...clears.map((m) => m.at));
    // Home Assistant had its time between the last config and the first clear (timers fire no earlier than asked)
    expect(firstClear - lastConfig).toBeGreaterThanOrEqual(CONFIGS_APPLIED_MS - 50);
    expect(after.findIndex((m) => m === clears[0])).toBeGreaterThan(after.findIndex((m) => m === configs.at(-1)));
  }, 40_000);
});
