/**
 * Home Assistant discovery of the simulated Z-Wave devices (the real zwave-js driver on its
 * mock controller): every config of every device type fits Home Assistant's schema for its
 * component, carries the right device class and unit, lists the device's own availability,
 * and its command topic drives the node.
 */
import { describe, expect, it } from 'vitest';
import { MqttWatch, type Received } from '../../support/mqtt-watch.js';
import { until } from '../../support/until.js';
import { nodeIdOf, startZWaveHub, wakeUpOnceAsleep } from '../../radios/zwave/support.js';
import { checkDiscovery, tpl } from './ha-schema.js';
import { complaints } from './ha-template.js';

const configsOf = (received: readonly Received[], nodeId: number): Map<string, ReturnType<typeof checkDiscovery>> => {
  const out = new Map<string, ReturnType<typeof checkDiscovery>>();
  const marker = `_${nodeIdOf(nodeId).replace(/[^A-Za-z0-9_-]/g, '_')}_`;
  for (const { topic, payload } of received) {
    if (payload === '' || !topic.endsWith('/config')) continue;
    const checked = checkDiscovery(topic, payload);
    if (String(checked.config.unique_id).includes(marker)) out.set(`${checked.component}:${checked.objectId.split('_').at(-1)}`, checked);
  }
  return out;
};

describe('Home Assistant discovery of Z-Wave devices', () => {
  it('describes each simulated device type to Home Assistant, and its command topic reaches the node', async () => {
    const hub = await startZWaveHub(['switch', 'dimmer', 'multisensor', 'door', 'plug']);
    const { devices, network, watch, broker } = hub;
    const ha = await MqttWatch.connect(broker.url, 'homeassistant/#');
    for (const device of network.all.filter((d) => !d.asleep))
      await until(() => devices.device(nodeIdOf(device.id)) !== undefined, 15_000, `node ${device.id} is registered`);
    await wakeUpOnceAsleep(hub, 5);
    await until(() => devices.device(nodeIdOf(5)) !== undefined, 45_000, 'the door sensor is registered');
    await until(
      () => configsOf(ha.received, 5).has('binary_sensor:contact') && configsOf(ha.received, 6).has('sensor:energy'),
      10_000,
      'the configs',
    );
    // configs are republished once a device's availability is known: wait for the last of those
    await until(
      () =>
        [2, 3, 4, 6].every((id) =>
          [...configsOf(ha.received, id).values()].every(({ config }) => (config.availability as unknown[]).length === 2),
        ),
      10_000,
      'configs with availability',
    );

    const name = (id: number): string => devices.device(nodeIdOf(id))?.friendlyName ?? '';
    const state = (id: number): string => `hearth/zw/${name(id)}`;
    const ownAvailability = (id: number) => [
      { topic: 'hearth/zw/bridge/state', value_template: tpl('value_json.state') },
      { topic: `hearth/zw/${name(id)}/availability`, value_template: tpl('value_json.state') },
    ];
    const entities = (id: number): string[] => [...configsOf(ha.received, id).keys()].sort();
    // the switch: one switch entity on state, set through /set/state
    expect(entities(2)).toEqual(['switch:switch']);
    const switchConfig = configsOf(ha.received, 2).get('switch:switch')?.config;
    expect(switchConfig).toMatchObject({
      name: null,
      state_topic: state(2),
      command_topic: `${state(2)}/set/state`,
      value_template: tpl('value_json.state'),
      payload_on: 'ON',
      payload_off: 'OFF',
      availability: ownAvailability(2),
      availability_mode: 'all',
    });
    // named from zwave-js's device database, as the real model would be
    expect(switchConfig?.device).toMatchObject({
      identifiers: [`hearth_zw_${nodeIdOf(2).replace(/:/g, '_')}`],
      name: name(2),
      manufacturer: 'Zooz',
      model: 'ZEN71',
      via_device: 'hearth_zw_bridge',
    });
    // the dimmer: a JSON-schema light with brightness 0-254
    expect(entities(3)).toEqual(['light:light']);
    const light = configsOf(ha.received, 3).get('light:light')?.config;
    expect(light).toMatchObject({
      schema: 'json',
      state_topic: state(3),
      command_topic: `${state(3)}/set`,
      brightness: true,
      brightness_scale: 254,
      supported_color_modes: ['brightness'],
      availability: ownAvailability(3),
    });
    // the multisensor: four sensors with class, unit and state class
    const multi = configsOf(ha.received, 4);
    expect(entities(4)).toEqual(expect.arrayContaining(['sensor:battery', 'sensor:humidity', 'sensor:illuminance', 'sensor:temperature']));
    expect(multi.get('sensor:temperature')?.config).toMatchObject({
      state_topic: state(4),
      value_template: tpl('value_json.temperature'),
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
    });
    expect(multi.get('sensor:humidity')?.config).toMatchObject({
      device_class: 'humidity',
      unit_of_measurement: '%',
      state_class: 'measurement',
    });
    // zwave-js says "Lux"; Home Assistant's illuminance wants "lx"
    expect(multi.get('sensor:illuminance')?.config).toMatchObject({
      device_class: 'illuminance',
      unit_of_measurement: 'lx',
      state_class: 'measurement',
    });
    expect(multi.get('sensor:battery')?.config).toMatchObject({
      device_class: 'battery',
      unit_of_measurement: '%',
      entity_category: 'diagnostic',
    });
    // the door: open is on, whatever the radio calls on
    expect(configsOf(ha.received, 5).get('binary_sensor:contact')?.config).toMatchObject({
      state_topic: state(5),
      value_template: tpl('value_json.contact'),
      device_class: 'door',
      payload_on: 'False',
      payload_off: 'True',
    });
    expect(configsOf(ha.received, 5).get('switch:contact')).toBeUndefined();
    expect(configsOf(ha.received, 5).get('binary_sensor:contact')?.config.device).toMatchObject({
      manufacturer: 'AEON Labs',
      model: 'ZW120',
    });
    // its wake-up interval: named, in seconds, a setting
    expect(configsOf(ha.received, 5).get('number:interval')?.config).toMatchObject({
      name: 'Wake-up interval',
      unit_of_measurement: 's',
      entity_category: 'config',
      state_topic: state(5),
      value_template: tpl('value_json.wake_up_interval'),
      command_topic: `${state(5)}/set/wake_up_interval`,
    });
    // the plug: a switch, power and energy
    const plug = configsOf(ha.received, 6);
    expect(plug.get('switch:switch')?.config).toMatchObject({ command_topic: `${state(6)}/set/state` });
    // resetting the meter is an action, not a state: a button
    expect(plug.get('switch:50-0-reset')).toBeUndefined();
    expect(plug.get('button:50-0-reset')?.config).toMatchObject({
      name: 'Reset accumulated values',
      command_topic: `${state(6)}/set/50-0-reset`,
      payload_press: 'true',
      entity_category: 'config',
    });
    expect(plug.get('button:50-0-reset')?.config).not.toHaveProperty('state_topic');
    expect(plug.get('sensor:power')?.config).toMatchObject({ device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' });
    expect(plug.get('sensor:energy')?.config).toMatchObject({
      device_class: 'energy',
      unit_of_measurement: 'kWh',
      state_class: 'total_increasing',
    });

    // what Home Assistant would send on the discovered command topics reaches the nodes
    await watch.client.publishAsync(String(light?.command_topic), '{"state":"ON","brightness":128}', { qos: 1 });
    await watch.waitFor(state(3), (p) => (JSON.parse(p) as { brightness?: number }).brightness === 128);
    expect(network.device(3).level).toBe(50);
    await watch.client.publishAsync(String(plug.get('switch:switch')?.config.command_topic), 'ON', { qos: 1 });
    await watch.waitFor(state(6), (p) => p.includes('"state":"ON"'));
    expect(network.device(6).level).toBe(true);

    // every template of every config takes the states and availabilities as they are now, as Home Assistant renders them
    const latest = (received: readonly Received[]) => new Map(received.map((m) => [m.topic, m.payload]));
    const configs = latest(ha.received);
    const found = complaints(configs, latest(watch.received));
    const visible = [...configs].filter(([topic, payload]) => topic.endsWith('/config') && payload !== '').length;
    process.stderr.write(`Home Assistant, Z-Wave: ${visible} entities, ${found.length} template warnings or errors\n`);
    expect(found).toEqual([]);
  });
});
