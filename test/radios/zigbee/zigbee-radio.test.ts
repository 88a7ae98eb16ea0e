/**
 * The Zigbee radio end to end: herdsman's real Controller over the simulated adapter,
 * zigbee-herdsman-converters' real definitions, device actors, the outbox and a real Mosquitto.
 */
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../../src/model/capabilities.js';
import { flattenCapabilities } from '../../../src/model/capabilities.js';
import { until } from '../../support/until.js';
import { idOf, startZigbeeHub } from './support.js';

const properties = (capabilities: readonly Capability[] | undefined): string[] =>
  flattenCapabilities(capabilities ?? [])
    .map((feature) => feature.property)
    .sort();

describe('Zigbee radio on the simulated network', () => {
  it('interviews each simulated model, matches it to its converters definition and registers its capabilities', async () => {
    const hub = await startZigbeeHub(['bulb', 'ambiance', 'climate', 'door', 'plug', 'remote', 'widget']);
    const record = (kind: Parameters<typeof hub.network.byKind>[0]) => hub.devices.device(idOf(hub.network.byKind(kind)));

    expect(record('bulb')).toMatchObject({ model: 'LED1545G12', vendor: 'IKEA', firmware: '1.0.0' });
    expect(record('bulb')?.capabilities).toContainEqual(
      expect.objectContaining({
        type: 'light',
        features: expect.arrayContaining([
          expect.objectContaining({ property: 'state', value_on: 'ON', value_off: 'OFF' }),
          expect.objectContaining({ property: 'brightness', value_min: 0, value_max: 254 }),
          expect.objectContaining({ property: 'color_temp', unit: 'mired' }),
        ]),
      }),
    );
    expect(record('ambiance')).toMatchObject({ model: '8718696548738', vendor: 'Philips' });
    expect(properties(record('ambiance')?.capabilities)).toEqual(expect.arrayContaining(['brightness', 'color_temp', 'state']));
    expect(record('climate')).toMatchObject({ model: 'WSDCGQ11LM', vendor: 'Aqara' });
    expect(properties(record('climate')?.capabilities)).toEqual(expect.arrayContaining(['battery', 'humidity', 'pressure', 'temperature']));
    expect(flattenCapabilities(record('climate')?.capabilities ?? []).find((f) => f.property === 'temperature')).toMatchObject({
      type: 'numeric',
      unit: '°C',
    });
    expect(record('door')).toMatchObject({ model: 'MCCGQ11LM', vendor: 'Aqara' });
    expect(properties(record('door')?.capabilities)).toEqual(expect.arrayContaining(['battery', 'contact']));
    expect(record('plug')).toMatchObject({ model: 'SP 234', vendor: 'Innr' });
    expect(properties(record('plug')?.capabilities)).toEqual(expect.arrayContaining(['energy', 'power', 'state', 'voltage']));
    expect(flattenCapabilities(record('plug')?.capabilities ?? []).find((f) => f.property === 'power')).toMatchObject({ unit: 'W' });
    expect(record('remote')).toMatchObject({ model: 'E1524/E1810', vendor: 'IKEA' });
    expect(properties(record('remote')?.capabilities)).toEqual(expect.arrayContaining(['action', 'battery']));

    // no definition knows the widget: registered all the same, with capabilities from its clusters, and said to be unsupported
    expect(record('widget')).toMatchObject({ model: 'HL-WIDGET-1', vendor: 'Hearth Labs' });
    expect(properties(record('widget')?.capabilities)).toEqual(expect.arrayContaining(['state', 'temperature']));
    const unsupported = await hub.watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"supported":false'));
    expect(JSON.parse(unsupported.payload)).toMatchObject({
      type: 'device_interview',
      data: { id: idOf(hub.network.byKind('widget')), status: 'successful', supported: false },
    });
    const supported = await hub.watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"supported":true') && p.includes('LED1545G12'));
    expect(JSON.parse(supported.payload)).toMatchObject({ data: { definition: { model: 'LED1545G12', vendor: 'IKEA' } } });
    await hub.watch.waitFor(`${hub.topic(hub.network.byKind('bulb'))}/availability`, '{"state":"online"}');
  });

  it('turns attribute reports into state on MQTT through the fromZigbee converters', async () => {
    const hub = await startZigbeeHub(['climate', 'plug', 'door', 'remote']);
    const { network, watch } = hub;
    const climate = network.byKind('climate');
    climate.report('msTemperatureMeasurement', { measuredValue: 2345 });
    climate.report('msRelativeHumidity', { measuredValue: 5120 });
    const sensor = await watch.waitFor(hub.topic(climate), (p) => p.includes('"humidity":51.2'));
    expect(JSON.parse(sensor.payload)).toMatchObject({ temperature: 23.45, humidity: 51.2 });

    const plug = network.byKind('plug');
    plug.report('haElectricalMeasurement', { activePower: 1500, rmsVoltage: 231 });
    const power = await watch.waitFor(hub.topic(plug), (p) => p.includes('"power":1500'));
    expect(JSON.parse(power.payload)).toMatchObject({ power: 1500, voltage: 231 });
    plug.report('seMetering', { currentSummDelivered: 250_000 });
    await watch.waitFor(hub.topic(plug), (p) => p.includes('"energy":2500'));

    const door = network.byKind('door');
    door.report('genOnOff', { onOff: 1 });
    await watch.waitFor(hub.topic(door), (p) => p.includes('"contact":false'));

    // a button press is an event: on the state topic, never kept as state
    const remote = network.byKind('remote');
    remote.command('genOnOff', 'toggle');
    await watch.waitFor(hub.topic(remote), (p) => p.includes('"action":"toggle"'));
    remote.report('genPowerCfg', { batteryPercentageRemaining: 150 }); // half percent
    await watch.waitFor(hub.topic(remote), (p) => p.includes('"battery":75'));
  });

  it('carries /set to the bulb as ZCL commands and /get back through the toZigbee converters', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug']);
    const { network, watch } = hub;
    const bulb = network.byKind('bulb');
    hub.devices.renameDevice(idOf(bulb), 'hall/bulb');
    bulb.received.length = 0;

    await watch.client.publishAsync('hearth/zb/hall/bulb/set', '{"state":"ON","brightness":128}', { qos: 1 });
    await watch.waitFor('hearth/zb/hall/bulb', (p) => p.includes('"state":"ON"') && p.includes('"brightness":128'));
    expect(bulb.received).toContainEqual({
      endpoint: 1,
      cluster: 'genLevelCtrl',
      command: 'moveToLevelWithOnOff',
      payload: expect.objectContaining({ level: 128 }),
    });
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
    expect(bulb.attribute('genLevelCtrl', 'currentLevel')).toBe(128);

    await watch.client.publishAsync('hearth/zb/hall/bulb/set', '{"color_temp":250}', { qos: 1 });
    await watch.waitFor('hearth/zb/hall/bulb', (p) => p.includes('"color_temp":250'));
    expect(bulb.received).toContainEqual(
      expect.objectContaining({
        cluster: 'lightingColorCtrl',
        command: 'moveToColorTemp',
        payload: expect.objectContaining({ colortemp: 250 }),
      }),
    );

    await watch.client.publishAsync('hearth/zb/hall/bulb/set/state', 'OFF', { qos: 1 });
    await until(() => bulb.attribute('genOnOff', 'onOff') === 0, 5000, 'the bulb is off');
    expect(bulb.received).toContainEqual(expect.objectContaining({ cluster: 'genOnOff', command: 'off' }));

    // the device changes behind the hub's back (a wall switch): /get reads it back
    bulb.attributes.get(1)!.genLevelCtrl!.currentLevel = 77;
    bulb.received.length = 0;
    await watch.client.publishAsync('hearth/zb/hall/bulb/get', '{"brightness":""}', { qos: 1 });
    await watch.waitFor('hearth/zb/hall/bulb', (p) => p.includes('"brightness":77'));
    expect(bulb.received).toContainEqual({ endpoint: 1, cluster: 'genLevelCtrl', command: 'read', payload: [{ attrId: 0 }] });

    const plug = network.byKind('plug');
    await watch.client.publishAsync(`${hub.topic(plug)}/set`, '{"state":"ON"}', { qos: 1 });
    await until(() => plug.attribute('genOnOff', 'onOff') === 1, 5000, 'the plug is on');

    // a value the device cannot take is refused before the radio is touched
    bulb.received.length = 0;
    await watch.client.publishAsync('hearth/zb/hall/bulb/set', '{"brightness":300}', { qos: 1 });
    const refused = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('command_failed'));
    expect(JSON.parse(refused.payload)).toMatchObject({ data: { device: 'hall/bulb', code: 'COMMAND_INVALID' } });
    expect(bulb.received).toEqual([]);
  });
});
