/** The exposes → discovery mapping on its own: the shapes the hub-level tests do not meet. */
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../../src/model/capabilities.js';
import { deviceDiscovery, type DiscoveryContext } from '../../../src/uplink/homeassistant/discovery-configs.js';
import { checkDiscovery, tpl } from './ha-schema.js';

const context: DiscoveryContext = { prefix: 'homeassistant', base: 'hearth/t', hubId: 't', version: '1.0.0' };
const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];

function discover(capabilities: Capability[]) {
  const messages = deviceDiscovery(context, {
    record: { id: 'zigbee:0x01', friendlyName: 'dev', radio: 'zigbee', capabilities },
    availability: false,
  });
  // keyed `<component>:<entity>` (the object id without the device's part)
  return new Map(
    messages.map((m) => [
      `${m.topic.split('/')[1]}:${m.topic.split('/')[3]?.replace('zigbee_0x01_', '')}`,
      checkDiscovery(m.topic, JSON.stringify(m.config)).config,
    ]),
  );
}

describe('discovery configs', () => {
  it('gives each endpoint of a double switch its own switch, and a light on an endpoint its features', () => {
    const got = discover(caps(e.switch().withEndpoint('l1'), e.switch().withEndpoint('l2'), e.light_brightness().withEndpoint('l3')));
    expect([...got.keys()].sort()).toEqual(['number:brightness_l3', 'switch:state_l3', 'switch:switch_l1', 'switch:switch_l2']);
    expect(got.get('switch:switch_l1')).toMatchObject({
      name: 'L1',
      command_topic: 'hearth/t/dev/set/state_l1',
      value_template: tpl('value_json.state_l1'),
      payload_on: 'ON',
      state_on: 'ON',
    });
    expect(got.get('switch:state_l3')).toMatchObject({ name: 'State l3', command_topic: 'hearth/t/dev/set/state_l3' });
    expect(got.get('number:brightness_l3')).toMatchObject({
      min: 0,
      max: 254,
      command_topic: 'hearth/t/dev/set/brightness_l3',
      state_topic: 'hearth/t/dev',
    });
  });

  it('maps settable enums to selects, reported ones to enum sensors, text to sensors, and settable binaries to switches', () => {
    const got = discover(
      caps(
        e.enum('power_on_behavior', 7, ['off', 'on', 'previous']),
        e.enum('mode', 1, ['a', 'b']),
        e.text('note', 1),
        e.child_lock(),
        e.numeric('linkquality', 1).withUnit('lqi'),
      ),
    );
    expect(got.get('select:power_on_behavior')).toMatchObject({
      options: ['off', 'on', 'previous'],
      command_topic: 'hearth/t/dev/set/power_on_behavior',
    });
    expect(got.get('sensor:mode')).toMatchObject({ device_class: 'enum', options: ['a', 'b'] });
    expect(got.get('sensor:mode')).not.toHaveProperty('state_class');
    expect(got.get('sensor:note')).toMatchObject({ value_template: tpl('value_json.note') });
    expect(got.get('switch:child_lock')).toMatchObject({
      payload_on: 'LOCK',
      payload_off: 'UNLOCK',
      command_topic: 'hearth/t/dev/set/child_lock',
    });
    expect(got.get('sensor:linkquality')).toMatchObject({
      unit_of_measurement: 'lqi',
      entity_category: 'diagnostic',
      enabled_by_default: false,
    });
  });

  it('leaves out a device class whose unit Home Assistant would refuse, and reads keys that are no identifiers', () => {
    const got = discover([
      { type: 'numeric', name: 'illuminance', property: 'illuminance', access: 1, unit: '%' },
      { type: 'binary', name: '113-0-x', property: '113-0-x', access: 3, value_on: true, value_off: false },
    ]);
    expect(got.get('sensor:illuminance')).not.toHaveProperty('device_class');
    expect(got.get('sensor:illuminance')).toMatchObject({ unit_of_measurement: '%', state_class: 'measurement' });
    expect(got.get('switch:113-0-x')).toMatchObject({
      value_template: tpl("value_json['113-0-x']"),
      payload_on: 'true',
      payload_off: 'false',
      state_on: 'True',
      state_off: 'False',
    });
  });

  it('yields nothing for a device without capabilities', () => {
    expect(discover([]).size).toBe(0);
  });
});
