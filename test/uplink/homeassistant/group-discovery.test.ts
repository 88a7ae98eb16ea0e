/**
 * Home Assistant discovery of groups on a real hub (the simulated Zigbee network and a GPIO
 * relay, a real Mosquitto), groups made over MQTT with Zigbee2MQTT's requests: a group of lights
 * is a JSON light, a group of a relay a switch, each valid for Home Assistant's light and switch
 * schemas, with the bridge's availability; the group's own state is read by the entity without a
 * complaint; a rename keeps the entity (same topic and unique id) on the new state topic, and a
 * removal clears it.
 */
import { describe, expect, it } from 'vitest';
import { InProcessPins } from '../../../src/radios/gpio/simulator/in-process-pins.js';
import { bridgeRequest, RELAY } from '../../radios/zigbee/groups-support.js';
import { idOf, startZigbeeHub } from '../../radios/zigbee/support.js';
import { until } from '../../support/until.js';
import { checkDiscovery } from './ha-schema.js';
import { complaintOf } from './ha-template.js';

const LIGHT_CONFIG = 'homeassistant/light/hearth-zb/group_1/config';
const SWITCH_CONFIG = 'homeassistant/switch/hearth-zb/group_2/config';

describe('Home Assistant discovery of groups', () => {
  it('discovers a group of lights as a light and a group of a relay as a switch, follows renames and clears removals', async () => {
    const pins = new InProcessPins();
    const hub = await startZigbeeHub(['bulb', 'ambiance'], {
      watchAlso: ['homeassistant/#'],
      otherRadios: { gpio: { pins, board: 'pi-4b' } },
      otherProfile: { gpio: { devices: [{ type: 'relay', pin: 17, name: 'porch relay' }] } },
    });
    await until(() => hub.devices.device(RELAY) !== undefined, 10_000, 'the GPIO relay is registered');
    const [bulb, ambiance] = [hub.network.byKind('bulb'), hub.network.byKind('ambiance')];
    const latest = (topic: string) => hub.watch.received.filter((m) => m.topic === topic).at(-1)?.payload;

    expect(await bridgeRequest(hub.watch, 'group/add', { friendly_name: 'downstairs' })).toMatchObject({ status: 'ok' });
    for (const device of [bulb, ambiance])
      expect(await bridgeRequest(hub.watch, 'group/members/add', { group: 'downstairs', device: idOf(device) })).toMatchObject({
        status: 'ok',
      });
    expect(await bridgeRequest(hub.watch, 'group/add', { friendly_name: 'porch' })).toMatchObject({ status: 'ok' });
    expect(await bridgeRequest(hub.watch, 'group/members/add', { group: 'porch', device: RELAY })).toMatchObject({ status: 'ok' });

    await until(() => latest(LIGHT_CONFIG) !== undefined && latest(SWITCH_CONFIG) !== undefined, 15_000, 'the groups discovered');
    const light = checkDiscovery(LIGHT_CONFIG, latest(LIGHT_CONFIG) as string).config;
    const bridgeAvailability = [{ topic: 'hearth/zb/bridge/state', value_template: expect.any(String) }];
    expect(light).toMatchObject({
      schema: 'json',
      state_topic: 'hearth/zb/downstairs',
      command_topic: 'hearth/zb/downstairs/set',
      brightness: true,
      supported_color_modes: ['color_temp'],
      unique_id: 'hearth_zb_group_1_light',
      availability: bridgeAvailability,
      device: { identifiers: ['hearth_zb_group_1'], name: 'downstairs', model: 'Group', via_device: 'hearth_zb_bridge' },
    });
    const relaySwitch = checkDiscovery(SWITCH_CONFIG, latest(SWITCH_CONFIG) as string).config;
    expect(relaySwitch).toMatchObject({
      state_topic: 'hearth/zb/porch',
      command_topic: 'hearth/zb/porch/set/state',
      unique_id: 'hearth_zb_group_2_switch',
      availability: bridgeAvailability,
    });
    // the group's own state as the light reads it
    await hub.watch.client.publishAsync('hearth/zb/downstairs/set', JSON.stringify({ state: 'ON', brightness: 120 }), { qos: 1 });
    await until(() => latest('hearth/zb/downstairs')?.includes('"brightness":120') === true, 10_000, 'the group state');
    expect(complaintOf('light', light, latest('hearth/zb/downstairs') as string)).toBeUndefined();
    await hub.watch.client.publishAsync('hearth/zb/porch/set/state', 'ON', { qos: 1 });
    await until(() => latest('hearth/zb/porch')?.includes('"state":"ON"') === true, 10_000, 'the porch group state');
    expect(complaintOf('switch', relaySwitch, latest('hearth/zb/porch') as string)).toBeUndefined();

    // a rename keeps the entity on the new topics; a removal clears it
    expect(await bridgeRequest(hub.watch, 'group/rename', { from: 'downstairs', to: 'ground floor' })).toMatchObject({ status: 'ok' });
    await until(() => latest(LIGHT_CONFIG)?.includes('"state_topic":"hearth/zb/ground floor"') === true, 15_000, 'the renamed config');
    expect(checkDiscovery(LIGHT_CONFIG, latest(LIGHT_CONFIG) as string).config).toMatchObject({ unique_id: 'hearth_zb_group_1_light' });
    expect(await bridgeRequest(hub.watch, 'group/remove', { id: 'porch' })).toMatchObject({ status: 'ok' });
    await until(() => latest(SWITCH_CONFIG) === '', 15_000, 'the removed group config cleared');
    expect(latest(LIGHT_CONFIG)).not.toBe('');
  }, 120_000);
});
