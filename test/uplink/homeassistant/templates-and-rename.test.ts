/**
 * What Home Assistant does with the hub's messages, on the demo's simulated Zigbee network
 * (herdsman's real Controller, the models the demo impersonates) and a real Mosquitto: every
 * template of every published config, rendered as Home Assistant renders it, takes the idle
 * state and availability messages without a warning or an error; and through a rename every
 * config of the device moves to the new topics before the old ones are cleared, late enough for
 * Home Assistant to have applied them, so it never parses an empty payload with an old config.
 */
import { describe, expect, it } from 'vitest';
import { SIMULATED_KINDS } from '../../../src/radios/zigbee/simulator/simulated-models.js';
import { idOf, startZigbeeHub } from '../../radios/zigbee/support.js';
import { MqttWatch, type Received } from '../../support/mqtt-watch.js';
import { until } from '../../support/until.js';
import { checkDiscovery, HA_VERSIONS } from './ha-schema.js';
import { complaints } from './ha-template.js';

interface Timed extends Received {
  at: number;
}

/** Every message on the broker, in order of arrival, with the time it arrived. */
async function watchAll(url: string): Promise<{ watch: MqttWatch; timed: Timed[] }> {
  const watch = await MqttWatch.connect(url, '#');
  const timed: Timed[] = [];
  watch.client.on('message', (topic, payload, packet) =>
    timed.push({ topic, payload: payload.toString(), retain: packet.retain, at: Date.now() }),
  );
  return { watch, timed };
}

function latest(received: readonly Received[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const message of received) map.set(message.topic, message.payload);
  return map;
}

describe('Home Assistant reading the hub', () => {
  it('renders every template against the idle states quietly, and hears no old topic cleared until the configs moved', async () => {
    const hub = await startZigbeeHub(SIMULATED_KINDS, { configsAppliedMs: 2000 });
    // Zigbee2MQTT's 2 s, the schema's default (rename-after-configs.test.ts pins that)
    const CONFIGS_APPLIED_MS = hub.config.homeassistant.configsAppliedMs;
    expect(CONFIGS_APPLIED_MS).toBe(2000);
    const { devices, network, broker } = hub;
    const { timed } = await watchAll(broker.url);
    const configsOf = (id: string) =>
      [...latest(timed)].filter(
        ([topic, payload]) =>
          topic.endsWith('/config') && payload.includes(`"identifiers":["hearth_zb_${id.replace(/[^A-Za-z0-9_-]/g, '_')}"]`),
      );
    // every device's configs and its state are out
    await until(
      () =>
        network.all
          .filter((device) => device.kind !== 'widget')
          .every((device) => configsOf(idOf(device)).length > 0 && latest(timed).has(hub.topic(device))),
      30_000,
      'every configs and state',
    );
    await hub.bridge.discovery?.settled();
    const idle = latest(timed);
    const configs = new Map([...idle].filter(([topic]) => topic.startsWith('homeassistant/')));
    const entities = [...configs].filter(([topic, payload]) => topic.endsWith('/config') && payload !== '');
    // every config fits the current schema (the lights without color_mode: they would need it before 2024.4)
    for (const [topic, payload] of entities) checkDiscovery(topic, payload, HA_VERSIONS[1]);
    expect(entities.length).toBeGreaterThan(30);
    const idleComplaints = complaints(configs, idle);
    process.stderr.write(`Home Assistant at idle: ${entities.length} entities, ${idleComplaints.length} template warnings or errors\n`);
    expect(idleComplaints).toEqual([]);

    // a rename of the bulb, a JSON light (which logs an error for any payload that is no JSON state)
    const bulb = network.all.find((device) => device.kind === 'bulb');
    if (bulb === undefined) throw new Error('no bulb');
    const id = idOf(bulb);
    const oldTopic = hub.topic(bulb);
    const mark = timed.length;
    devices.renameDevice(id, 'hall/ceiling');
    await until(
      () =>
        timed.slice(mark).some((m) => m.topic === oldTopic && m.payload === '') &&
        timed.slice(mark).some((m) => m.topic === `${oldTopic}/availability` && m.payload === ''),
      CONFIGS_APPLIED_MS + 5000,
      'the old topics cleared',
    );
    const after = timed.slice(mark);
    const moved = configsOf(id).map(([topic]) => topic);
    expect(moved.length).toBeGreaterThan(1);
    const lastConfig = Math.max(
      ...moved.map((topic) => after.findLastIndex((m) => m.topic === topic && m.payload.includes('hearth/zb/hall/ceiling'))),
    );
    const firstClear = after.findIndex((m) => m.topic.startsWith(oldTopic) && m.payload === '');
    // every config of the device moved (none left reading the old topic), and only then the old topics were cleared: the
    // wait starts once the broker acknowledged the configs, so a subscriber sees all of it (timers fire no earlier than asked)
    expect(moved.every((topic) => !(latest(timed).get(topic) ?? '').includes(`"${oldTopic}"`))).toBe(true);
    expect(lastConfig).toBeGreaterThanOrEqual(0);
    expect(firstClear).toBeGreaterThan(lastConfig);
    expect((after[firstClear]?.at ?? 0) - (after[lastConfig]?.at ?? 0)).toBeGreaterThanOrEqual(CONFIGS_APPLIED_MS - 50);
    // the new topics carry the state, which the moved configs read quietly
    await until(() => latest(timed).has('hearth/zb/hall/ceiling'), 5000, 'the state on the new topic');
    const renameComplaints = complaints(new Map(configsOf(id)), latest(timed));
    process.stderr.write(
      `Home Assistant through a rename: ${moved.length} configs moved, ${renameComplaints.length} template warnings or errors, the first clear ${(after[firstClear]?.at ?? 0) - (after[lastConfig]?.at ?? 0)} ms after the last config\n`,
    );
    expect(renameComplaints).toEqual([]);
  });
});
