/**
 * The Z-Wave tools over MQTT on zwave-js's mock controller: configuration parameters by label
 * (the mock node sees the Configuration Set; an out-of-range value is refused naming the range;
 * Home Assistant's entities are named by label), associations (the mock sees Association
 * Set/Remove), node care (ping, refresh, re-interview, remove failed, rebuild routes with
 * progress events) and node statistics in /metrics for a node that times out.
 */
import { describe, expect, it } from 'vitest';
import { AssociationCCRemove, AssociationCCSet, ConfigurationCCSet } from '@zwave-js/cc';
import type { MockZWaveFrame } from '@zwave-js/testing';
import { MockZWaveFrameType } from '@zwave-js/testing';
import { Registry } from 'prom-client';
import { nodeIdOf, startZWaveHub, type ZWaveHub } from './support.js';
import { until } from '../../support/until.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { checkDiscovery } from '../../uplink/homeassistant/ha-schema.js';

interface Answer {
  status: 'ok' | 'error';
  data: Record<string, unknown>;
  error?: { code: string; message: string };
}

let transaction = 0;
async function request(hub: ZWaveHub, command: string, payload: Record<string, unknown>, timeoutMs = 20_000): Promise<Answer> {
  const tx = `t${++transaction}`;
  const answer = hub.watch.waitFor(`hearth/zw/bridge/response/${command}`, (p) => p.includes(`"transaction":"${tx}"`), timeoutMs);
  await hub.watch.client.publishAsync(`hearth/zw/bridge/request/${command}`, JSON.stringify({ ...payload, transaction: tx }), { qos: 1 });
  return JSON.parse((await answer).payload) as Answer;
}

const ccFrame =
  <T>(type: new (...args: never[]) => T, check: (cc: T) => boolean) =>
  (frame: MockZWaveFrame): boolean =>
    frame.type === MockZWaveFrameType.Request && frame.payload instanceof type && check(frame.payload);

async function relayHub(metrics?: Registry): Promise<ZWaveHub> {
  const hub = await startZWaveHub(['relay', 'switch'], metrics === undefined ? {} : { metrics });
  for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
  hub.devices.renameDevice(nodeIdOf(2), 'hall/relay');
  return hub;
}

describe('Z-Wave configuration parameters', () => {
  it('lists, reads and writes a parameter by label; refuses a value outside its range naming the range', async () => {
    const hub = await relayHub();
    const relay = hub.network.device(2).node;

    const all = await request(hub, 'zwave/config/get', { device: 'hall/relay' });
    expect(all.status).toBe('ok');
    expect(all.data.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ parameter: 1, label: 'Auto-off timer', property: 'auto_off_timer', min: 0, max: 3600, value: 0 }),
        expect.objectContaining({ parameter: 2, label: 'LED brightness', property: 'led_brightness', min: 0, max: 10 }),
      ]),
    );

    relay.clearReceivedControllerFrames();
    const set = await request(hub, 'zwave/config/set', { device: 'hall/relay', parameter: 'auto-off Timer', value: 120 });
    expect(set).toMatchObject({ status: 'ok', data: { parameter: { parameter: 1, value: 120 } } });
    relay.assertReceivedControllerFrame(ccFrame(ConfigurationCCSet, (cc) => cc.parameter === 1 && cc.value === 120));
    expect(relay.state.get('Configuration_value_1')).toBe(120);

    // the device changed it by itself: a get reads it back from the device
    relay.state.set('Configuration_value_2', 7);
    const read = await request(hub, 'zwave/config/get', { device: 'hall/relay', parameter: 'LED brightness' });
    expect(read).toMatchObject({ status: 'ok', data: { parameter: { parameter: 2, value: 7 } } });

    relay.clearReceivedControllerFrames();
    const refused = await request(hub, 'zwave/config/set', { device: 'hall/relay', parameter: 2, value: 11 });
    expect(refused.status).toBe('error');
    expect(refused.error?.code).toBe('CONFIG_VALUE_OUT_OF_RANGE');
    expect(refused.error?.message).toContain('LED brightness (parameter 2) allows 0 to 10');
    expect(() => relay.assertReceivedControllerFrame(ccFrame(ConfigurationCCSet, () => true))).toThrow();

    const unknown = await request(hub, 'zwave/config/set', { device: 'hall/relay', parameter: 'Colour', value: 1 });
    expect(unknown.error?.code).toBe('CONFIG_PARAMETER_NOT_FOUND');
    expect(unknown.error?.message).toContain('1 Auto-off timer');

    // the parameters are state keys too: a /set by name, checked against the range
    await hub.watch.client.publishAsync(`hearth/zw/hall/relay/set`, '{"led_brightness":3}', { qos: 1 });
    await until(() => relay.state.get('Configuration_value_2') === 3, 10_000, 'the /set reached the node');
  });

  it('offers the parameters to Home Assistant as config entities named by their labels', async () => {
    const hub = await relayHub();
    const ha = await MqttWatch.connect(hub.broker.url, 'homeassistant/#');
    const marker = `_${nodeIdOf(2).replace(/[^A-Za-z0-9_-]/g, '_')}_`;
    const configs = (): ReturnType<typeof checkDiscovery>[] =>
      ha.received
        .filter(({ topic, payload }) => payload !== '' && topic.endsWith('/config'))
        .map(({ topic, payload }) => checkDiscovery(topic, payload))
        .filter((checked) => String(checked.config.unique_id).includes(marker));
    const timer = (): ReturnType<typeof checkDiscovery> | undefined =>
      configs().find((checked) => checked.component === 'number' && checked.objectId.endsWith('auto_off_timer'));
    await until(() => timer() !== undefined, 10_000, 'the auto-off timer is discovered');
    expect(timer()?.config).toMatchObject({ name: 'Auto-off timer', entity_category: 'config', min: 0, max: 3600 });
    expect(String(timer()?.config.command_topic)).toMatch(/\/set\/auto_off_timer$/);
    // each config is its own retained message, sent at the outbox's drain rate: the others may follow the timer's
    const names = () =>
      configs()
        .filter((checked) => checked.config.entity_category === 'config')
        .map((checked) => checked.config.name);
    const wanted = ['Auto-off timer', 'LED brightness', 'Power-on state'];
    await until(() => wanted.every((name) => names().includes(name)), 10_000, 'every parameter is discovered');
    expect(names()).toEqual(expect.arrayContaining(wanted));
  });
});

describe('Z-Wave associations', () => {
  it('gets the groups, adds and removes a node (the mock sees Association Set and Remove), checks the lifeline', async () => {
    const hub = await relayHub();
    const relay = hub.network.device(2).node;
    const groups = await request(hub, 'zwave/associations/get', { device: 'hall/relay' });
    expect(groups.data.groups).toEqual([expect.objectContaining({ group: 1, max_nodes: 5, associations: [{ node_id: 1 }] })]);

    relay.clearReceivedControllerFrames();
    const added = await request(hub, 'zwave/associations/add', { device: 'hall/relay', group: 1, targets: [{ node_id: 3 }] });
    expect(added.status).toBe('ok');
    relay.assertReceivedControllerFrame(ccFrame(AssociationCCSet, (cc) => cc.groupId === 1 && cc.nodeIds.includes(3)));
    expect(relay.state.get('hearth.association.1')).toEqual([1, 3]);

    const removed = await request(hub, 'zwave/associations/remove', { device: 'hall/relay', group: 1, targets: [{ node_id: 3 }] });
    expect(removed.status).toBe('ok');
    relay.assertReceivedControllerFrame(ccFrame(AssociationCCRemove, (cc) => cc.groupId === 1 && (cc.nodeIds ?? []).includes(3)));
    expect(relay.state.get('hearth.association.1')).toEqual([1]);

    const noGroup = await request(hub, 'zwave/associations/add', { device: 'hall/relay', group: 9, targets: [{ node_id: 3 }] });
    expect(noGroup.error?.code).toBe('ASSOCIATION_INVALID');

    // the lifeline lost: checked, then repaired
    await request(hub, 'zwave/associations/remove', { device: 'hall/relay', group: 1, targets: [{ node_id: 1 }] });
    expect(await request(hub, 'zwave/associations/lifeline', { device: 'hall/relay' })).toMatchObject({ data: { ok: false, group: 1 } });
    expect(await request(hub, 'zwave/associations/lifeline', { device: 'hall/relay', repair: true })).toMatchObject({
      data: { ok: true, repaired: true },
    });
    expect(relay.state.get('hearth.association.1')).toEqual([1]);
  });
});

describe('Z-Wave node care', () => {
  it('pings, refreshes, re-interviews, rebuilds routes with progress, and removes a failed node', async () => {
    const hub = await relayHub();
    expect(await request(hub, 'zwave/node/ping', { device: 'hall/relay' })).toMatchObject({ status: 'ok', data: { alive: true } });
    expect(await request(hub, 'zwave/node/refresh', { device: 'hall/relay' })).toMatchObject({ status: 'ok' });

    const interviewed = hub.watch.waitFor(
      'hearth/zw/bridge/event',
      (p) => p.includes('"device_interview"') && p.includes('successful'),
      20_000,
    );
    expect(await request(hub, 'zwave/node/reinterview', { device: 'hall/relay' })).toMatchObject({ status: 'ok' });
    await interviewed;

    const progress = hub.watch.waitFor(
      'hearth/zw/bridge/event',
      (p) => p.includes('"zwave_rebuild_routes"') && p.includes('"done":true'),
      30_000,
    );
    const rebuilt = await request(hub, 'zwave/node/rebuild_routes', {}, 60_000);
    expect(rebuilt.status).toBe('ok');
    expect(Object.keys(rebuilt.data.nodes as object).sort()).toEqual([nodeIdOf(2), nodeIdOf(3)]);
    await progress;
    expect(await request(hub, 'zwave/node/rebuild_routes', { device: 'hall/relay' }, 30_000)).toMatchObject({ status: 'ok' });

    // a node that no longer answers is failed: it can be removed
    hub.network.device(3).setReachable(false);
    expect(await request(hub, 'zwave/node/ping', { device: nodeIdOf(3) })).toMatchObject({ data: { alive: false } });
    const left = hub.watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('"device_leave"'), 20_000);
    const removal = await request(hub, 'zwave/node/remove_failed', { device: nodeIdOf(3) });
    expect(removal, JSON.stringify(removal)).toMatchObject({ status: 'ok', data: { removed: true } });
    await left;
    await until(() => hub.devices.device(nodeIdOf(3)) === undefined, 10_000, 'the failed node left the hub');
  });

  it('shows node statistics in /metrics and the statistics request, for a node that times out', async () => {
    const metrics = new Registry();
    const hub = await relayHub(metrics);
    // it acknowledges frames but answers no Get: the driver's response timeout runs out
    hub.network.device(2).setReachable(false);
    hub.network.device(2).node.autoAckControllerFrames = true;
    const read = await request(hub, 'zwave/config/get', { device: 'hall/relay', parameter: 1 });
    expect(read.status, JSON.stringify(read)).toBe('error');
    const stats = await request(hub, 'zwave/node/statistics', { device: 'hall/relay' });
    expect((stats.data.statistics as { timeout_response: number }).timeout_response, JSON.stringify(stats)).toBeGreaterThan(0);
    const text = await metrics.metrics();
    expect(text).toMatch(new RegExp(`hearth_zwave_node_timeout_response_total\\{device="${nodeIdOf(2)}"\\} [1-9]`));
  });
});
