/** The exposes → discovery mapping on its own: the shapes the hub-level tests do not meet. */
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../../src/model/capabilities.js';
import { deviceDiscovery, type DiscoveryContext } from '../../../src/uplink/homeassistant/discovery-configs.js';
import { otaCapabilities } from '../../../src/radios/zigbee/zigbee-ota.js';
import { checkDiscovery, HA_VERSIONS, tpl } from './ha-schema.js';
import { complaintOf, renderTemplate } from './ha-template.js';

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

  it('makes write-only actions buttons, and gives device temperature and counters their classes', () => {
    const got = discover(
      caps(e.identify(), e.device_temperature(), e.power_outage_count(), e.numeric('trigger_count', 1), {
        type: 'binary',
        name: '50-0-reset',
        property: '50-0-reset',
        label: 'Reset accumulated values',
        access: 2,
        value_on: true,
        value_off: false,
      }),
    );
    expect(got.get('button:identify')).toMatchObject({
      name: 'Identify',
      command_topic: 'hearth/t/dev/set/identify',
      payload_press: 'identify',
      device_class: 'identify',
      entity_category: 'config',
    });
    expect(got.has('select:identify')).toBe(false);
    expect(got.get('button:50-0-reset')).toMatchObject({
      name: 'Reset accumulated values',
      payload_press: 'true',
      entity_category: 'config',
    });
    expect(got.get('button:50-0-reset')).not.toHaveProperty('state_topic');
    expect(got.get('sensor:device_temperature')).toMatchObject({
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
      entity_category: 'diagnostic',
    });
    expect(got.get('sensor:power_outage_count')).toMatchObject({ state_class: 'total_increasing', entity_category: 'diagnostic' });
    expect(got.get('sensor:trigger_count')).toMatchObject({ state_class: 'total_increasing' });
  });

  it('fits each range of Home Assistant versions it is configured for, and only those: lights carry color_mode only for one before 2024.4', () => {
    // every component the hub publishes
    const capabilities = caps(
      e.light_brightness_colortemp([153, 454]),
      e.switch().withEndpoint('l2'),
      e.light_brightness().withEndpoint('l3'),
      e.power(),
      e.contact(),
      e.enum('power_on_behavior', 7, ['off', 'on', 'previous']),
      e.action(['single', 'double']),
      e.identify(),
    );
    const record = { id: 'zigbee:0x01', friendlyName: 'dev', radio: 'zigbee' as const, capabilities };
    const configs = (legacyColorMode: boolean) => deviceDiscovery({ ...context, legacyColorMode }, { record, availability: true });
    const components = new Set(configs(false).map((m) => m.topic.split('/')[1]));
    expect([...components].sort()).toEqual(['binary_sensor', 'button', 'event', 'light', 'number', 'select', 'sensor', 'switch']);
    const fits = (version: (typeof HA_VERSIONS)[number], legacy: boolean) =>
      configs(legacy)
        .filter((m) => {
          try {
            checkDiscovery(m.topic, JSON.stringify(m.config), version);
            return false;
          } catch {
            return true;
          }
        })
        .map((m) => m.topic.split('/')[1]);
    // the default (2024.4 and later): everything fits today's rules; 2024.1 refuses the light
    expect(fits('current', false)).toEqual([]);
    expect(fits('2024.1', false)).toEqual(['light']);
    expect(() =>
      checkDiscovery(
        configs(false).find((m) => m.topic.includes('/light/'))?.topic ?? '',
        JSON.stringify(configs(false).find((m) => m.topic.includes('/light/'))?.config),
        '2024.1',
      ),
    ).toThrow("some but not all values in the same group of inclusion 'color_mode'");
    // homeassistant.minVersion 2024.1: everything fits 2024.1; today's Home Assistant warns for the light's color_mode
    expect(fits('2024.1', true)).toEqual([]);
    expect(fits('current', true)).toEqual(['light']);
    expect(configs(true).find((m) => m.topic.includes('/light/'))?.config).toMatchObject({
      color_mode: true,
      supported_color_modes: ['color_temp'],
    });
  });

  it('yields nothing for a device without capabilities', () => {
    expect(discover([]).size).toBe(0);
  });

  it('gives a device with OTA updates an update entity that installs through ota_update/update and reads every update state', () => {
    const got = discover(otaCapabilities({ ota: true } as never));
    const update = got.get('update:update');
    expect(update).toMatchObject({
      device_class: 'firmware',
      entity_category: 'config',
      state_topic: 'hearth/t/dev',
      command_topic: 'hearth/t/bridge/request/device/ota_update/update',
      payload_install: '{"id":"zigbee:0x01"}',
    });
    const config = update as Record<string, unknown>;
    const rendered = (state: unknown) => JSON.parse(renderTemplate(config.value_template as string, JSON.stringify(state))) as unknown;
    const states = [
      { state: 'ON' },
      {
        update: {
          state: 'available',
          installed_version: 16777216,
          latest_version: 16777472,
          latest_source: null,
          latest_release_notes: null,
        },
      },
      { update: { state: 'updating', installed_version: 16777216, latest_version: 16777472, progress: 42.5, remaining: 12 } },
    ];
    for (const state of states) expect(complaintOf('update', config, JSON.stringify(state))).toBeUndefined();
    expect(rendered(states[0])).toEqual({ installed_version: '-1', latest_version: '-1', update_percentage: null, in_progress: false });
    expect(rendered(states[1])).toEqual({
      installed_version: '16777216',
      latest_version: '16777472',
      update_percentage: null,
      in_progress: false,
    });
    expect(rendered(states[2])).toEqual({
      installed_version: '16777216',
      latest_version: '16777472',
      update_percentage: 42.5,
      in_progress: true,
    });
    // a definition without OTA: no update entity
    expect([...discover(otaCapabilities({ ota: undefined } as never)).keys()]).toEqual([]);
  });
});
