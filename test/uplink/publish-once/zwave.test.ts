/**
 * Each message once, on the real Z-Wave radio (issue 19.7): the zwave-js Driver against its
 * mock controller and 20 simulated nodes, the hub's actors and outbox, a real Mosquitto; counted
 * by a plain subscriber on the broker. A start that announces 20 nodes builds `bridge/devices`
 * a bounded number of times (not once per node), and 25 commands to a switch never publish the
 * same state twice in a row.
 */
import { describe, expect, it } from 'vitest';
import type { SimulatedMember } from '../../../src/radios/zwave/simulator/simulated-devices.js';
import { repeatedTopics, repeatsInARow } from '../../support/publish-counts.js';
import { until } from '../../support/until.js';
import { nodeIdOf, startZWaveHub, type ZWaveHub } from '../../radios/zwave/support.js';

const KINDS = ['switch', 'dimmer', 'multisensor', 'plug'] as const;
/** 20 listening nodes (ids 2-21); the first is `zwave/switch`. */
const MEMBERS: SimulatedMember[] = Array.from({ length: 20 }, (_, i) =>
  i === 0 ? { kind: 'switch', name: 'zwave/switch' } : (KINDS[i % KINDS.length] ?? 'switch'),
);
/** At most this many `bridge/devices` for a start that announces 20 nodes (one per quiet burst; 2 s apart at the closest). */
const DEVICES_LIST_BOUND = 3;

/** Everything the hub enqueued so far has reached the broker: a request's answer comes behind it in the outbox. */
async function through(hub: ZWaveHub): Promise<void> {
  const { watch } = hub;
  const mark = watch.received.length;
  await watch.client.publishAsync('hearth/zw/bridge/request/health_check', '{}', { qos: 1 });
  await until(() => watch.received.slice(mark).some((m) => m.topic === 'hearth/zw/bridge/response/health_check'), 10_000, 'the answer');
}

/** Every node interviewed, and no list or discovery sync held back any more. */
async function settled(hub: ZWaveHub): Promise<void> {
  const interviewed = (): number =>
    hub.watch.received.filter((m) => m.topic === 'hearth/zw/bridge/event' && m.payload.includes('"status":"successful"')).length;
  await until(() => interviewed() >= MEMBERS.length, 60_000, 'every node interviewed');
  const listed = (): number =>
    (JSON.parse(hub.watch.received.findLast((m) => m.topic === 'hearth/zw/bridge/devices')?.payload ?? '[]') as unknown[]).length;
  await until(() => listed() >= MEMBERS.length, 30_000, 'every node in bridge/devices');
  await until(() => !hub.bridge.listsPending && hub.bridge.outbox.size === 0, 10_000, 'the lists and discovery out');
  await through(hub);
}

describe('each message once on the Z-Wave radio', () => {
  it(`publishes bridge/devices at most ${DEVICES_LIST_BOUND} times for a 20-node start, and each switch state once`, async () => {
    const hub = await startZWaveHub(MEMBERS);
    const { watch, network } = hub;
    await settled(hub);
    const lists = watch.received.filter((m) => m.topic === 'hearth/zw/bridge/devices');
    const last = JSON.parse(lists.at(-1)?.payload ?? '[]') as { id: string }[];
    expect(last.map((device) => device.id).sort()).toEqual(MEMBERS.map((_, i) => nodeIdOf(i + 2)).sort());
    process.stderr.write(
      `zwave start: bridge/devices ${lists.length}, bridge/rooms ${watch.received.filter((m) => m.topic === 'hearth/zw/bridge/rooms').length}\n`,
    );
    expect.soft(lists.length).toBeLessThanOrEqual(DEVICES_LIST_BOUND);
    // every retained topic of the hub once over the start, but the states and the list
    const states = new Set(MEMBERS.map((_, i) => [`hearth/zw/${nodeIdOf(i + 2)}`, 'hearth/zw/zwave/switch']).flat());
    const once = (topic: string): boolean =>
      !states.has(topic) &&
      topic !== 'hearth/zw/bridge/devices' &&
      topic !== 'hearth/zw/bridge/event' &&
      topic !== 'hearth/zw/bridge/state';
    expect.soft(repeatedTopics(watch.received, once)).toEqual([]);

    // 25 commands to the switch: ON, OFF, ON, … each carried out and reported by the node
    const topic = 'hearth/zw/zwave/switch';
    const mark = watch.received.length;
    for (let n = 0; n < 25; n++) {
      const state = n % 2 === 0 ? 'ON' : 'OFF';
      const seen = watch.received.length;
      await watch.client.publishAsync(`${topic}/set`, JSON.stringify({ state }), { qos: 1 });
      await until(
        () => watch.received.slice(seen).some((m) => m.topic === topic && m.payload.includes(`"state":"${state}"`)),
        15_000,
        `the switch ${state}`,
      );
      await until(() => network.device(2).level === (state === 'ON'), 15_000, `the node ${state}`);
    }
    await through(hub);
    const switchStates = watch.received.slice(mark).filter((m) => m.topic === topic);
    const repeats = repeatsInARow(switchStates, topic);
    process.stderr.write(`zwave/switch: ${switchStates.length} state messages for 25 commands, ${repeats.length} repeated\n`);
    expect(repeats).toEqual([]);
    expect(switchStates.length).toBeGreaterThanOrEqual(25);
  }, 120_000);
});
