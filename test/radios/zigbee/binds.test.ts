/**
 * Zigbee binds over MQTT with Zigbee2MQTT's request names (device/bind, device/unbind), on the
 * simulated network through herdsman's real Controller and the converters: a remote bound to a
 * bulb and to a group switches them itself (the simulated network carries its command straight
 * to them, the hub takes no part), the binds are herdsman's Endpoint.binds, reporting of the
 * bound light to the hub is set up, and every answer has Zigbee2MQTT's shape.
 */
import { describe, expect, it } from 'vitest';
import { bindResponse, okResponse } from '../../uplink/conformance/z2m-tools-api.js';
import { idOf, startZigbeeHub } from './support.js';
import { askBridge } from './tools-support.js';

describe('Zigbee binds', () => {
  it('binds a remote to a bulb: its press switches the bulb without the hub; unbound, the press reaches the hub again', async () => {
    const hub = await startZigbeeHub(['bulb', 'remote']);
    const { network, radio } = hub;
    const bulb = network.byKind('bulb');
    const remote = network.byKind('remote');

    const bound = await askBridge(hub, 'device/bind', { from: idOf(remote), to: idOf(bulb), clusters: ['genOnOff', 'genLevelCtrl'] });
    expect(okResponse(bindResponse).parse(bound).data).toEqual({
      from: idOf(remote),
      from_endpoint: 1,
      to: idOf(bulb),
      to_endpoint: 1,
      clusters: ['genOnOff', 'genLevelCtrl'],
      failed: [],
    });
    // the remote's binding table (ZDO bind requests it took) and herdsman's record of it, which bridge/devices reads
    // (the remote's definition bound some clusters to the coordinator when it was configured)
    const toDevices = () =>
      network.mesh.binds.get(remote.ieeeAddress)?.filter((b) => !('ieee' in b.target && b.target.ieee === network.coordinatorIeee));
    expect(toDevices()).toEqual([
      { sourceEndpoint: 1, clusterId: 6, target: { ieee: bulb.ieeeAddress, endpoint: 1 } },
      { sourceEndpoint: 1, clusterId: 8, target: { ieee: bulb.ieeeAddress, endpoint: 1 } },
    ]);
    const remoteEndpoint = radio.herdsman.getDeviceByIeeeAddr(remote.ieeeAddress)?.getEndpoint(1);
    const herdsmanBinds = () =>
      remoteEndpoint?.binds
        .map((b) => [b.cluster.name, (b.target as { deviceIeeeAddress?: string }).deviceIeeeAddress])
        .filter(([, ieee]) => ieee !== network.coordinatorIeee);
    expect(herdsmanBinds()).toEqual([
      ['genOnOff', bulb.ieeeAddress],
      ['genLevelCtrl', bulb.ieeeAddress],
    ]);
    // as Zigbee2MQTT: the bound bulb reports on/off and level to the hub
    const bulbEndpoint = radio.herdsman.getDeviceByIeeeAddr(bulb.ieeeAddress)?.getEndpoint(1);
    expect(bulbEndpoint?.configuredReportings.map((r) => r.attribute.name)).toEqual(expect.arrayContaining(['onOff', 'currentLevel']));
    expect(
      bulbEndpoint?.binds
        .filter((b) => (b.target as { deviceIeeeAddress?: string }).deviceIeeeAddress === network.coordinatorIeee)
        .map((b) => b.cluster.name),
    ).toEqual(expect.arrayContaining(['genOnOff', 'genLevelCtrl']));

    // the press goes straight to the bulb; the bulb's report tells the hub
    const framesBefore = bulb.received.length;
    remote.command('genOnOff', 'on');
    expect(network.mesh.boundDeliveries).toEqual([
      { from: remote.ieeeAddress, to: bulb.ieeeAddress, endpoint: 1, cluster: 'genOnOff', command: 'on' },
    ]);
    expect(bulb.received.slice(framesBefore)).toEqual([{ endpoint: 1, cluster: 'genOnOff', command: 'on', payload: {} }]);
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
    await hub.watch.waitFor(hub.topic(bulb), (p) => p.includes('"state":"ON"'));

    const unbound = await askBridge(hub, 'device/unbind', { from: idOf(remote), from_endpoint: 'default', to: idOf(bulb) });
    expect(okResponse(bindResponse).parse(unbound).data).toMatchObject({
      from_endpoint: 'default',
      // every candidate both sides have (herdsman takes an unbind of what was not bound: NO_ENTRY)
      clusters: ['genScenes', 'genOnOff', 'genLevelCtrl'],
      failed: [],
    });
    expect(toDevices()).toEqual([]);
    expect(herdsmanBinds()).toEqual([]);
    remote.command('genOnOff', 'toggle');
    // nothing binds the remote to the bulb now: the coordinator hears the press, the hub publishes the remote's action
    await hub.watch.waitFor(hub.topic(remote), (p) => p.includes('"action":"toggle"'));
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
    expect(network.mesh.boundDeliveries).toHaveLength(1);
  }, 60_000);

  it('binds a remote to a Zigbee group (herdsman Group): one press switches every member', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug', 'remote']);
    const { network, radio } = hub;
    const [bulb, plug, remote] = [network.byKind('bulb'), network.byKind('plug'), network.byKind('remote')];
    const group = radio.herdsman.createGroup(7);
    for (const member of [bulb, plug]) await radio.herdsman.getDeviceByIeeeAddr(member.ieeeAddress)?.getEndpoint(1)?.addToGroup(group);
    expect(network.mesh.groupMembers(7)).toEqual([`${bulb.ieeeAddress}/1`, `${plug.ieeeAddress}/1`]);

    const bound = await askBridge(hub, 'device/bind', { from: idOf(remote), to: 7 });
    // without a cluster list: Zigbee2MQTT's candidates the remote has (a group takes any)
    expect(okResponse(bindResponse).parse(bound).data).toEqual({
      from: idOf(remote),
      from_endpoint: 1,
      to: 7,
      clusters: ['genScenes', 'genOnOff', 'genLevelCtrl'],
      failed: [],
    });
    const groupBinds = () => network.mesh.binds.get(remote.ieeeAddress)?.filter((b) => 'group' in b.target);
    expect(groupBinds()?.map((b) => [b.clusterId, b.target])).toEqual([
      [5, { group: 7 }],
      [6, { group: 7 }],
      [8, { group: 7 }],
    ]);
    remote.command('genOnOff', 'on');
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
    expect(plug.attribute('genOnOff', 'onOff')).toBe(1);
    await hub.watch.waitFor(hub.topic(plug), (p) => p.includes('"state":"ON"'));
    await hub.watch.waitFor(hub.topic(bulb), (p) => p.includes('"state":"ON"'));

    const unbound = await askBridge(hub, 'device/unbind', { from: idOf(remote), to: 7, clusters: ['genOnOff'] });
    expect(okResponse(bindResponse).parse(unbound).data).toMatchObject({ clusters: ['genOnOff'], failed: [] });
    expect(groupBinds()?.map((b) => b.clusterId)).toEqual([5, 8]);
  }, 60_000);

  it('answers a bad bind with a coded error naming what is wrong', async () => {
    const hub = await startZigbeeHub(['bulb', 'remote']);
    const [bulb, remote] = [hub.network.byKind('bulb'), hub.network.byKind('remote')];
    expect(await askBridge(hub, 'device/bind', { from: 'nobody', to: idOf(bulb) })).toMatchObject({
      status: 'error',
      error: { code: 'DEVICE_NOT_FOUND' },
    });
    expect(await askBridge(hub, 'device/bind', { from: idOf(remote), to: 99 })).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: 'there is no Zigbee group 99' },
    });
    expect(await askBridge(hub, 'device/bind', { from: idOf(remote), to: idOf(bulb), from_endpoint: 9 })).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: expect.stringContaining('has no endpoint 9') },
    });
    // the bulb has no output clusters the remote could feed, nor takes msCO2
    expect(await askBridge(hub, 'device/bind', { from: idOf(remote), to: idOf(bulb), clusters: ['msCO2'] })).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: expect.stringContaining('nothing to bind') },
    });
    expect(await askBridge(hub, 'device/bind', { from: idOf(remote), to: idOf(bulb), clusters: Array(40).fill('genOnOff') })).toMatchObject(
      {
        status: 'error',
        error: { code: 'PAYLOAD_INVALID' },
      },
    );
    // a silent bulb: the bind fails for each cluster
    hub.network.device(remote.ieeeAddress)!.fault = 'silent';
    expect(await askBridge(hub, 'device/bind', { from: idOf(remote), to: idOf(bulb), clusters: ['genOnOff'] })).toMatchObject({
      status: 'error',
      error: { code: 'DEVICE_UNREACHABLE', message: expect.stringContaining('failed to bind genOnOff') },
    });
  }, 60_000);
});
