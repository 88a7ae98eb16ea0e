/**
 * Home Assistant discovery against a real Mosquitto: devices registered by hand with
 * zigbee-herdsman-converters' exposes presets (a colour-temperature light, a metering plug, a
 * climate sensor, a door contact, a motion sensor, a remote), every config checked against
 * Home Assistant's schema for its component and field by field; rename, room change, removal,
 * a device's availability, a config left from an earlier run, and Home Assistant's birth.
 */
import { connectAsync } from 'mqtt';
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../../src/model/capabilities.js';
import { startBridgedHub } from '../../support/bridged-hub.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { MqttWatch, retainedOn, type Received } from '../../support/mqtt-watch.js';
import { radioPort } from '../../support/radio-port.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';
import { checkDiscovery, tpl } from './ha-schema.js';

const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];

const LAMP = 'zigbee:0x00158d0001a2b3c4';
const PLUG = 'zigbee:0x00158d0001a2b3c5';
const CLIMATE = 'zigbee:0x00158d0001a2b3c6';
const DOOR = 'zigbee:0x00158d0001a2b3c7';
const MOTION = 'zigbee:0x00158d0001a2b3c8';
const REMOTE = 'zigbee:0x00158d0001a2b3c9';

const DEVICES = [
  {
    id: LAMP,
    friendlyName: 'living/lamp',
    model: 'LED1545G12',
    vendor: 'IKEA',
    capabilities: caps(e.light_brightness_colortemp([250, 454])),
  },
  { id: PLUG, friendlyName: 'kitchen/plug', model: 'SP 120', vendor: 'innr', capabilities: caps(e.switch(), e.power(), e.energy()) },
  { id: CLIMATE, friendlyName: 'climate', capabilities: caps(e.temperature(), e.humidity(), e.battery()) },
  { id: DOOR, friendlyName: 'front door', capabilities: caps(e.contact(), e.battery_low()) },
  { id: MOTION, friendlyName: 'hall/motion', capabilities: caps(e.occupancy()) },
  { id: REMOTE, friendlyName: 'remote', capabilities: caps(e.action(['on', 'off', 'brightness_move_up']), e.battery()) },
];

const slug = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '_');
const configTopic = (component: string, id: string, key: string): string =>
  `homeassistant/${component}/hearth-ha/${slug(id)}_${key}/config`;

/** The latest message on each topic so far. */
function latest(received: readonly Received[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const message of received) map.set(message.topic, message.payload);
  return map;
}

async function hubOn(broker: Mosquitto, stateDir: string) {
  const hub = await startBridgedHub({
    hubId: 'ha',
    stateDir,
    uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0, drainRatePerS: 5000 },
    store: { journalBatchMs: 5 },
  });
  onTestFinished(hub.stop);
  const sent: { id: string; payload: Record<string, unknown> }[] = [];
  hub.devices.attachRadio(
    'zigbee',
    radioPort((id, payload) => Promise.resolve(void sent.push({ id, payload }))),
  );
  return { ...hub, sent };
}

describe('Home Assistant discovery', () => {
  it('publishes a config per entity that fits Home Assistant, keeps it in step with renames, rooms and removals, and republishes on its birth', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    // a config an earlier run left for a device that is gone
    const stale = configTopic('sensor', 'zigbee:0x00158d00000000ff', 'temperature');
    const leftover = await connectAsync(broker.url, { reconnectPeriod: 0 });
    await leftover.publishAsync(stale, '{"unique_id":"x"}', { qos: 1, retain: true });
    await leftover.endAsync();

    const watch = await MqttWatch.connect(broker.url, 'homeassistant/#');
    const { devices, bridge, sent } = await hubOn(broker, await tempDir());
    devices.rooms.create('Living Room');
    for (const device of DEVICES) devices.addDevice({ ...device, radio: 'zigbee' });
    devices.rooms.addDevice('living-room', LAMP);
    await until(
      () =>
        latest(watch.received).get(stale) === '' &&
        [...latest(watch.received).values()].filter((p) => p.includes('"suggested_area"')).length === 2,
      5000,
      'the configs',
    );
    await bridge.discovery?.settled();

    const configs = latest(watch.received);
    const got = new Map<string, ReturnType<typeof checkDiscovery>>();
    for (const [topic, payload] of configs)
      if (payload !== '' && topic !== 'homeassistant/status') got.set(topic, checkDiscovery(topic, payload));
    // every entity, and nothing else: the hub; a light and its power-on colour temperature; a switch and two sensors; three sensors; two binary sensors; one; an event and a sensor
    expect([...got.keys()].sort()).toEqual(
      [
        'homeassistant/binary_sensor/hearth-ha/bridge_connection_state/config',
        configTopic('light', LAMP, 'light'),
        configTopic('number', LAMP, 'color_temp_startup'),
        configTopic('switch', PLUG, 'switch'),
        configTopic('sensor', PLUG, 'power'),
        configTopic('sensor', PLUG, 'energy'),
        configTopic('sensor', CLIMATE, 'temperature'),
        configTopic('sensor', CLIMATE, 'humidity'),
        configTopic('sensor', CLIMATE, 'battery'),
        configTopic('binary_sensor', DOOR, 'contact'),
        configTopic('binary_sensor', DOOR, 'battery_low'),
        configTopic('binary_sensor', MOTION, 'occupancy'),
        configTopic('event', REMOTE, 'action'),
        configTopic('sensor', REMOTE, 'battery'),
      ].sort(),
    );
    // the stale config was cleared
    expect(configs.get(stale)).toBe('');

    const bridgeState = [{ topic: 'hearth/ha/bridge/state', value_template: tpl('value_json.state') }];
    const light = got.get(configTopic('light', LAMP, 'light'))?.config;
    expect(light).toEqual({
      name: null,
      schema: 'json',
      state_topic: 'hearth/ha/living/lamp',
      command_topic: 'hearth/ha/living/lamp/set',
      brightness: true,
      brightness_scale: 254,
      supported_color_modes: ['color_temp'],
      min_mireds: 250,
      max_mireds: 454,
      unique_id: `hearth_ha_${slug(LAMP)}_light`,
      availability: bridgeState,
      availability_mode: 'all',
      device: {
        identifiers: [`hearth_ha_${slug(LAMP)}`],
        name: 'living/lamp',
        model: 'LED1545G12',
        manufacturer: 'IKEA',
        via_device: 'hearth_ha_bridge',
        suggested_area: 'Living Room',
      },
      origin: { name: 'hearth', sw_version: expect.any(String) },
    });
    expect(got.get(configTopic('number', LAMP, 'color_temp_startup'))?.config).toMatchObject({
      name: 'Color temp startup',
      state_topic: 'hearth/ha/living/lamp',
      command_topic: 'hearth/ha/living/lamp/set/color_temp_startup',
      value_template: tpl('value_json.color_temp_startup'),
      min: 250,
      max: 454,
      unit_of_measurement: 'mired',
    });
    expect(got.get(configTopic('switch', PLUG, 'switch'))?.config).toMatchObject({
      name: null,
      state_topic: 'hearth/ha/kitchen/plug',
      command_topic: 'hearth/ha/kitchen/plug/set/state',
      value_template: tpl('value_json.state'),
      payload_on: 'ON',
      payload_off: 'OFF',
      device: { name: 'kitchen/plug', model: 'SP 120', manufacturer: 'innr', via_device: 'hearth_ha_bridge' },
    });
    const sensors: [string, string, Record<string, unknown>][] = [
      [PLUG, 'power', { device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' }],
      [PLUG, 'energy', { device_class: 'energy', unit_of_measurement: 'kWh', state_class: 'total_increasing' }],
      [CLIMATE, 'temperature', { device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement' }],
      [CLIMATE, 'humidity', { device_class: 'humidity', unit_of_measurement: '%', state_class: 'measurement' }],
      [
        CLIMATE,
        'battery',
        { device_class: 'battery', unit_of_measurement: '%', state_class: 'measurement', entity_category: 'diagnostic' },
      ],
    ];
    for (const [id, key, fields] of sensors) {
      const config = got.get(configTopic('sensor', id, key))?.config;
      expect(config, key).toMatchObject({
        ...fields,
        value_template: tpl(`value_json.${key}`),
        unique_id: `hearth_ha_${slug(id)}_${key}`,
        availability: bridgeState,
      });
      expect(config?.state_topic, key).toBe(`hearth/ha/${DEVICES.find((device) => device.id === id)?.friendlyName}`);
      expect((config?.device as { suggested_area?: string }).suggested_area).toBeUndefined();
    }
    expect(got.get(configTopic('binary_sensor', DOOR, 'contact'))?.config).toMatchObject({
      state_topic: 'hearth/ha/front door',
      value_template: tpl('value_json.contact'),
      device_class: 'door',
      // Zigbee2MQTT's contact: true when closed; Home Assistant's door: on when open
      payload_on: 'False',
      payload_off: 'True',
    });
    expect(got.get(configTopic('binary_sensor', DOOR, 'battery_low'))?.config).toMatchObject({
      device_class: 'battery',
      entity_category: 'diagnostic',
      payload_on: 'True',
      payload_off: 'False',
    });
    expect(got.get(configTopic('binary_sensor', MOTION, 'occupancy'))?.config).toMatchObject({
      state_topic: 'hearth/ha/hall/motion',
      device_class: 'occupancy',
      payload_on: 'True',
      payload_off: 'False',
    });
    expect(got.get(configTopic('event', REMOTE, 'action'))?.config).toMatchObject({
      state_topic: 'hearth/ha/remote',
      event_types: ['on', 'off', 'brightness_move_up'],
      value_template:
        '{% if value_json is defined and value_json.action is defined %}{{ {"event_type": value_json.action} | to_json }}{% endif %}',
    });
    expect(got.get('homeassistant/binary_sensor/hearth-ha/bridge_connection_state/config')?.config).toMatchObject({
      state_topic: 'hearth/ha/bridge/state',
      device_class: 'connectivity',
      payload_on: 'online',
      payload_off: 'offline',
      device: { identifiers: ['hearth_ha_bridge'], name: 'hearth ha' },
    });
    // unique ids are unique
    const ids = [...got.values()].map(({ config }) => config.unique_id);
    expect(new Set(ids).size).toBe(ids.length);

    // the topics the configs name are the ones the hub uses
    const hubWatch = await MqttWatch.connect(broker.url, 'hearth/ha/#');
    await watch.client.publishAsync(String(light?.command_topic), '{"state":"ON","brightness":100,"color_temp":300}', { qos: 1 });
    await hubWatch.waitFor(String(light?.state_topic), (p) => p.includes('"brightness":100') && p.includes('"color_temp":300'));
    const plugSwitch = got.get(configTopic('switch', PLUG, 'switch'))?.config;
    await watch.client.publishAsync(String(plugSwitch?.command_topic), String(plugSwitch?.payload_on), { qos: 1 });
    await hubWatch.waitFor(String(plugSwitch?.state_topic), (p) => p.includes('"state":"ON"'));
    expect(sent).toEqual([
      { id: LAMP, payload: { state: 'ON', brightness: 100, color_temp: 300 } },
      { id: PLUG, payload: { state: 'ON' } },
    ]);

    // rename: same topic and unique id, the new state topic and name
    const before = watch.received.length;
    devices.renameDevice(LAMP, 'living/ceiling');
    const renamed = await watch.waitFor(configTopic('light', LAMP, 'light'), (p) => p.includes('living/ceiling'));
    expect(checkDiscovery(renamed.topic, renamed.payload).config).toMatchObject({
      state_topic: 'hearth/ha/living/ceiling',
      command_topic: 'hearth/ha/living/ceiling/set',
      unique_id: `hearth_ha_${slug(LAMP)}_light`,
      device: { name: 'living/ceiling', suggested_area: 'Living Room' },
    });
    // only that device's configs moved
    await watch.waitFor(configTopic('number', LAMP, 'color_temp_startup'), (p) => p.includes('living/ceiling'));
    expect(new Set(watch.received.slice(before).map((m) => m.topic))).toEqual(
      new Set([configTopic('light', LAMP, 'light'), configTopic('number', LAMP, 'color_temp_startup')]),
    );

    // a room change: suggested_area follows
    devices.rooms.create('Kitchen');
    devices.rooms.removeDevice('living-room', LAMP);
    devices.rooms.addDevice('kitchen', LAMP);
    devices.rooms.addDevice('kitchen', PLUG);
    await watch.waitFor(configTopic('light', LAMP, 'light'), (p) => p.includes('"suggested_area":"Kitchen"'));
    for (const key of ['switch', 'power', 'energy']) {
      await watch.waitFor(configTopic(key === 'switch' ? 'switch' : 'sensor', PLUG, key), (p) => p.includes('"suggested_area":"Kitchen"'));
    }

    // a device gains an availability of its own: its configs list it beside the bridge's
    devices.availability(DOOR, true);
    const withAvailability = await watch.waitFor(configTopic('binary_sensor', DOOR, 'contact'), (p) =>
      p.includes('front door/availability'),
    );
    expect(JSON.parse(withAvailability.payload)).toMatchObject({
      availability: [...bridgeState, { topic: 'hearth/ha/front door/availability', value_template: tpl('value_json.state') }],
      availability_mode: 'all',
    });

    // removal: every config of the device is cleared (empty and retained)
    await devices.removeDevice(REMOTE);
    await watch.waitFor(configTopic('event', REMOTE, 'action'), '');
    await watch.waitFor(configTopic('sensor', REMOTE, 'battery'), '');
    expect(await retainedOn(broker.url, configTopic('event', REMOTE, 'action'))).toBeUndefined();
    expect(await retainedOn(broker.url, configTopic('sensor', CLIMATE, 'temperature'))).toContain('"device_class":"temperature"');

    // Home Assistant comes up: every config and the current states again
    await devices.report(CLIMATE, { temperature: 21.5, humidity: 40, battery: 90 });
    await hubWatch.waitFor('hearth/ha/climate', (p) => p.includes('21.5'));
    await bridge.discovery?.settled();
    const mark = watch.received.length;
    const markStates = hubWatch.received.length;
    await watch.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await until(
      () =>
        new Set(
          watch.received
            .slice(mark)
            .filter((m) => m.topic.endsWith('/config'))
            .map((m) => m.topic),
        ).size === 12,
      5000,
      'the twelve configs again',
    );
    const again = latest(watch.received.slice(mark));
    expect(again.get(configTopic('light', LAMP, 'light'))).toContain('living/ceiling');
    expect(again.has(configTopic('event', REMOTE, 'action'))).toBe(false);
    expect(again.get(configTopic('binary_sensor', DOOR, 'contact'))).toBe(
      latest(watch.received.slice(0, mark)).get(configTopic('binary_sensor', DOOR, 'contact')),
    );
    const republished = (topic: string) => hubWatch.received.slice(markStates).some((m) => m.topic === topic);
    await until(
      () => republished('hearth/ha/front door/availability') && republished('hearth/ha/climate'),
      5000,
      "the climate sensor's state and the door's availability again",
    );
    const states = latest(hubWatch.received.slice(markStates));
    expect(JSON.parse(states.get('hearth/ha/climate') ?? '{}')).toMatchObject({ temperature: 21.5, humidity: 40, battery: 90 });
    expect(JSON.parse(states.get('hearth/ha/front door/availability') ?? '{}')).toEqual({ state: 'online' });
    expect(bridge.discovery?.republished).toBe(1);
    // something else on the status topic is not a birth
    await watch.client.publishAsync('homeassistant/status', 'offline', { qos: 1 });
    // from the same client after it, so the hub has handled the status message once this is answered
    await watch.client.publishAsync('hearth/ha/bridge/request/health_check', '{}', { qos: 1 });
    await hubWatch.waitFor('hearth/ha/bridge/response/health_check');
    expect(bridge.discovery?.republished).toBe(1);
  });
});
