/**
 * Each message once, on the real Zigbee radio (issue 19.7): herdsman's Controller over the
 * simulated adapter, the real converters, 200 simulated devices joining at start, a real
 * Mosquitto; counted by a plain subscriber on the broker. Every Home Assistant config goes
 * out once, already with the device's availability; a bulb's `/get` publishes its state once.
 */
import { describe, expect, it } from 'vitest';
import type { SimulatedKind } from '../../../src/radios/zigbee/simulator/simulated-models.js';
import { repeatedTopics, repeatsInARow } from '../../support/publish-counts.js';
import { until } from '../../support/until.js';
import { idOf, startZigbeeHub, type ZigbeeHub } from '../../radios/zigbee/support.js';

const COUNT = 200;
const KINDS: SimulatedKind[] = Array.from({ length: COUNT }, (_, i) => (['climate', 'plug', 'bulb', 'door'] as const)[i % 4] ?? 'plug');

/** Everything the hub enqueued so far has reached the broker: a request's answer comes behind it in the outbox. */
async function through(hub: ZigbeeHub): Promise<void> {
  const { watch } = hub;
  const mark = watch.received.length;
  await watch.client.publishAsync('hearth/zb/bridge/request/health_check', '{}', { qos: 1 });
  await until(() => watch.received.slice(mark).some((m) => m.topic === 'hearth/zb/bridge/response/health_check'), 20_000, 'the answer');
}

describe('each message once on the Zigbee radio', () => {
  it('sends each discovery config once, with availability, while 200 devices join; a bulb /get publishes once', async () => {
    const hub = await startZigbeeHub(KINDS, { watchAlso: ['homeassistant/#'], waitForDevices: false });
    const { watch, network } = hub;
    await until(() => hub.devices.size >= COUNT, 240_000, 'every device registered');
    await until(
      () => network.all.every((device) => watch.topics.has(`${hub.topic(device)}/availability`)),
      60_000,
      'every device available',
    );
    await until(() => !hub.bridge.listsPending && hub.bridge.outbox.size === 0, 20_000, 'the lists and discovery out');
    await through(hub);

    const configs = watch.received.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
    const ofDevices = configs.filter((m) => network.all.some((device) => m.topic.includes(idOf(device).slice('zigbee:'.length))));
    const repeated = repeatedTopics(configs, () => true);
    const withoutAvailability = ofDevices.filter((m) => !m.payload.includes('/availability'));
    const lists = watch.received.filter((m) => m.topic === 'hearth/zb/bridge/devices').length;
    process.stderr.write(
      `zigbee join of ${COUNT}: ${configs.length} configs (${new Set(configs.map((m) => m.topic)).size} topics), ${repeated.length} topics more than once, ${withoutAvailability.length} device configs without availability, bridge/devices ${lists}\n`,
    );
    expect(ofDevices.length).toBeGreaterThanOrEqual(COUNT);
    expect(repeated).toEqual([]);
    expect(withoutAvailability.map((m) => m.topic)).toEqual([]);

    // the bulb changes behind the hub's back (a wall switch); a /get reads it back: one message
    const bulb = network.byKind('bulb');
    const topic = hub.topic(bulb);
    bulb.attributes.get(1)!.genLevelCtrl!.currentLevel = 77;
    let mark = watch.received.length;
    await watch.client.publishAsync(`${topic}/get`, '{"brightness":""}', { qos: 1 });
    await watch.waitFor(topic, (p) => p.includes('"brightness":77'));
    await through(hub);
    const afterRead = watch.received.slice(mark).filter((m) => m.topic === topic);
    // a /get of the whole state, asked for again, and a read-back that changed nothing
    mark = watch.received.length;
    await watch.client.publishAsync(`${topic}/get`, '{"state":""}', { qos: 1 });
    await through(hub);
    const unchangedRead = watch.received.slice(mark).filter((m) => m.topic === topic);
    process.stderr.write(
      `bulb /get: ${afterRead.length} state message(s) for a changed read-back, ${unchangedRead.length} for an unchanged one\n`,
    );
    expect.soft(afterRead).toHaveLength(1);
    expect(unchangedRead.length).toBeLessThanOrEqual(1);
    expect(repeatsInARow(watch.received.slice(mark - afterRead.length - 1), topic)).toEqual([]);
  }, 360_000);
});
