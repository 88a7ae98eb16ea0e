/**
 * Groups end to end over MQTT with Zigbee2MQTT's request names: herdsman's real Controller and
 * the converters over the simulated network, a GPIO relay beside it, a real Mosquitto. A
 * command to a group of Zigbee members is one group frame at the simulated adapter; the group's
 * state follows its members' reports; a mixed group switches every member; groups survive a restart.
 */
import { describe, expect, it } from 'vitest';
import { groupFramesOf, groupsOf } from '../../../src/radios/zigbee/simulator/group-frames.js';
import { until } from '../../support/until.js';
import { bridgeRequest, RELAY, zigbeeHubWithRelay } from './groups-support.js';
import { idOf } from './support.js';

describe('Zigbee groups over MQTT', () => {
  it('creates a group, adds members, sends one group frame, derives the group state, and survives a restart', async () => {
    const hub = await zigbeeHubWithRelay(['bulb', 'ambiance', 'plug']);
    const { network, watch } = hub;
    const bulb = network.byKind('bulb');
    const ambiance = network.byKind('ambiance');

    const added = await bridgeRequest(watch, 'group/add', { friendly_name: 'living lights' });
    expect(added).toMatchObject({ status: 'ok', data: { friendly_name: 'living lights', id: 1 } });
    for (const device of [bulb, ambiance]) {
      const member = await bridgeRequest(watch, 'group/members/add', { group: 'living lights', device: idOf(device) });
      expect(member).toMatchObject({ status: 'ok', data: { device: idOf(device), group: 'living lights' } });
      // the device keeps the group in its own table (genGroups add)
      expect(groupsOf(device)).toEqual([1]);
    }
    const groups = await watch.waitFor('hearth/zb/bridge/groups', (p) => p.includes(ambiance.ieeeAddress));
    expect(JSON.parse(groups.payload)).toEqual([
      expect.objectContaining({
        id: 1,
        friendly_name: 'living lights',
        members: [
          expect.objectContaining({ ieee_address: bulb.ieeeAddress, endpoint: 1 }),
          expect.objectContaining({ ieee_address: ambiance.ieeeAddress, endpoint: 11 }),
        ],
      }),
    ]);

    // ONE group frame for both bulbs; each carries it out and reports
    const before = groupFramesOf(network).length;
    await watch.client.publishAsync('hearth/zb/living lights/set', '{"state":"ON"}', { qos: 1 });
    await watch.waitFor(hub.topic(bulb), (p) => p.includes('"state":"ON"'));
    await watch.waitFor(hub.topic(ambiance), (p) => p.includes('"state":"ON"'));
    const frames = groupFramesOf(network).slice(before);
    expect(frames).toEqual([expect.objectContaining({ groupId: 1, cluster: 'genOnOff', command: 'on' })]);
    expect(frames[0]?.reached.sort()).toEqual([`${ambiance.ieeeAddress}/11`, `${bulb.ieeeAddress}/1`].sort());
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
    expect(ambiance.attribute('genOnOff', 'onOff', 11)).toBe(1);
    await watch.waitFor('hearth/zb/living lights', (p) => (JSON.parse(p) as { state?: string }).state === 'ON');

    // derived state: one member OFF leaves the group ON; all OFF makes it OFF (off_state all_members_off)
    bulb.report('genOnOff', { onOff: 0 });
    await watch.waitFor(hub.topic(bulb), (p) => p.includes('"state":"OFF"'));
    ambiance.report('genLevelCtrl', { currentLevel: 77 }, 11);
    await watch.waitFor('hearth/zb/living lights', (p) => (JSON.parse(p) as { brightness?: number }).brightness === 77);
    expect(JSON.parse(watch.received.filter((m) => m.topic === 'hearth/zb/living lights').at(-1)?.payload ?? '{}')).toMatchObject({
      state: 'ON',
    });
    ambiance.report('genOnOff', { onOff: 0 }, 11);
    await watch.waitFor('hearth/zb/living lights', (p) => (JSON.parse(p) as { state?: string }).state === 'OFF');

    // the group persists: a restart on the same state directory keeps it and its members
    await hub.stop();
    const again = await zigbeeHubWithRelay([], { stateDir: hub.stateDir, network, broker: hub.broker });
    const kept = await again.watch.waitFor('hearth/zb/bridge/groups', (p) => p.includes(ambiance.ieeeAddress));
    expect(JSON.parse(kept.payload)).toEqual([expect.objectContaining({ id: 1, friendly_name: 'living lights' })]);
    await until(() => again.devices.device(idOf(bulb)) !== undefined, 10_000, 'the bulb is known again');
    const framesBefore = groupFramesOf(network).length;
    await again.watch.client.publishAsync('hearth/zb/living lights/set', '{"state":"ON","brightness":200}', { qos: 1 });
    await again.watch.waitFor('hearth/zb/living lights', (p) => (JSON.parse(p) as { state?: string }).state === 'ON');
    await until(() => bulb.attribute('genLevelCtrl', 'currentLevel') === 200, 5000, 'the bulb took the group brightness');
    expect(
      groupFramesOf(network)
        .slice(framesBefore)
        .every((frame) => frame.groupId === 1),
    ).toBe(true);
  });

  it('switches a mixed group (Zigbee plug + GPIO relay) and names the members that failed', async () => {
    const hub = await zigbeeHubWithRelay(['plug']);
    const { network, watch, pins } = hub;
    const plug = network.byKind('plug');
    await bridgeRequest(watch, 'group/add', { friendly_name: 'porch', id: 7 });
    expect(await bridgeRequest(watch, 'group/members/add', { group: 7, device: idOf(plug) })).toMatchObject({ status: 'ok' });
    expect(await bridgeRequest(watch, 'group/members/add', { group: 'porch', device: 'porch relay' })).toMatchObject({ status: 'ok' });

    const before = groupFramesOf(network).length;
    await watch.client.publishAsync('hearth/zb/porch/set', '{"state":"ON"}', { qos: 1 });
    await until(() => pins.level(17) === 1 && plug.attribute('genOnOff', 'onOff') === 1, 5000, 'both members are on');
    expect(groupFramesOf(network).slice(before)).toEqual([expect.objectContaining({ groupId: 7, command: 'on' })]);
    await watch.waitFor('hearth/zb/porch', (p) => (JSON.parse(p) as { state?: string }).state === 'ON');
    await watch.waitFor(`hearth/zb/porch relay`, (p) => p.includes('"state":"ON"'));

    // the relay's pins fail (EIO): the plug still switches, the answer names the relay and its code
    pins.inject('fail');
    const failed = watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('GROUP_MEMBER_FAILED'));
    await watch.client.publishAsync('hearth/zb/porch/set', '{"state":"OFF"}', { qos: 1 });
    const event = JSON.parse((await failed).payload) as { data: { failed: { device: string; code: string }[] } };
    expect(event).toMatchObject({ type: 'command_failed', data: { device: 'porch', code: 'GROUP_MEMBER_FAILED' } });
    expect(event.data.failed).toEqual([expect.objectContaining({ device: 'porch relay' })]);
    await until(() => plug.attribute('genOnOff', 'onOff') === 0, 5000, 'the plug is off');
    expect(pins.level(17)).toBe(1);
    pins.inject('none');

    // hostile names: a group's name follows the rule of devices, and no group takes a device's name
    for (const name of ['bridge/x', 'a/set', 'a+b', '', '12', 'x'.repeat(129)])
      expect(await bridgeRequest(watch, 'group/add', { friendly_name: name })).toMatchObject({
        status: 'error',
        error: { code: 'GROUP_NAME_INVALID' },
      });
    expect(await bridgeRequest(watch, 'group/add', { friendly_name: 'porch relay' })).toMatchObject({
      status: 'error',
      error: { code: 'GROUP_EXISTS' },
    });
    expect(await bridgeRequest(watch, 'group/members/add', { group: 'nope', device: RELAY })).toMatchObject({
      status: 'error',
      error: { code: 'GROUP_NOT_FOUND' },
    });
  });
});
