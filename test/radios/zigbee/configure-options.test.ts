/**
 * Reconfigure, interview and per-device converter options over MQTT with Zigbee2MQTT's request
 * names, on the simulated network through herdsman and the converters: `device/configure` runs
 * the definition's configure again (its binds and reporting reach the device), `device/interview`
 * interviews it again (the device answers the descriptor and basic reads anew, and the hub
 * announces it), `device/options` hands `temperature_calibration` to the fromZigbee converters
 * and `transition` to the toZigbee ones, beside hearth's own debounce; answers checked against
 * Zigbee2MQTT's shapes.
 */
import { describe, expect, it } from 'vitest';
import { configureResponse, deviceOptionsResponse, interviewResponse, okResponse } from '../../uplink/conformance/z2m-tools-api.js';
import { idOf, startZigbeeHub } from './support.js';
import { askBridge } from './tools-support.js';
import { until } from '../../support/until.js';

describe('Zigbee configure, interview and converter options', () => {
  it('configures and interviews a device again', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug', 'widget']);
    const bulb = hub.network.byKind('bulb');
    const plug = hub.network.byKind('plug');
    const widget = hub.network.byKind('widget');

    const before = plug.received.length;
    const configured = await askBridge(hub, 'device/configure', { id: idOf(plug) });
    expect(okResponse(configureResponse).parse(configured).data).toEqual({ id: idOf(plug) });
    // the Innr plug's configure (onOff, electricity meter): reporting configured on the device again
    const configReports = plug.received.slice(before).filter((frame) => frame.command === 'configReport');
    expect(configReports.map((frame) => frame.cluster)).toEqual(expect.arrayContaining(['genOnOff', 'haElectricalMeasurement']));

    const reads = () => bulb.received.filter((frame) => frame.cluster === 'genBasic' && frame.command === 'read').length;
    const readsBefore = reads();
    const interviewed = await askBridge(hub, 'device/interview', { id: idOf(bulb) });
    expect(okResponse(interviewResponse).parse(interviewed).data).toEqual({ id: idOf(bulb) });
    expect(reads()).toBeGreaterThan(readsBefore);
    const asked = hub.watch.received.findIndex((m) => m.topic.endsWith('bridge/request/device/interview'));
    const events = () =>
      hub.watch.received
        .slice(asked)
        .filter((m) => m.topic === 'hearth/zb/bridge/event' && m.payload.includes(bulb.ieeeAddress))
        .map((m) => (JSON.parse(m.payload) as { data: { status?: string } }).data.status);
    // the hub announces the device anew after the interview, as after a join
    await until(() => events().length >= 2, 10_000, 'the interview events');
    expect(events()).toEqual(['started', 'successful']);

    // a device no definition knows, a device that does not answer, and a name that is no device
    expect(await askBridge(hub, 'device/configure', { id: idOf(widget) })).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: expect.stringContaining('nothing to configure') },
    });
    bulb.fault = 'silent';
    expect(await askBridge(hub, 'device/interview', { id: idOf(bulb) })).toMatchObject({
      status: 'error',
      error: { code: 'DEVICE_UNREACHABLE', message: expect.stringContaining('interview failed') },
    });
    expect(await askBridge(hub, 'device/configure', { id: 'nobody' })).toMatchObject({
      status: 'error',
      error: { code: 'DEVICE_NOT_FOUND' },
    });
  }, 90_000);

  it('hands converter options to the converters, beside hearth options', async () => {
    const hub = await startZigbeeHub(['bulb', 'climate']);
    const bulb = hub.network.byKind('bulb');
    const climate = hub.network.byKind('climate');

    const set = await askBridge(hub, 'device/options', { id: idOf(climate), options: { temperature_calibration: 1.5, debounce: 0 } });
    expect(okResponse(deviceOptionsResponse).parse(set).data).toMatchObject({
      id: idOf(climate),
      from: {},
      to: { temperature_calibration: 1.5, debounce: 0 },
      restart_required: false,
      options: { debounceMs: 0 },
    });
    climate.report('msTemperatureMeasurement', { measuredValue: 2000 });
    await hub.watch.waitFor(hub.topic(climate), (p) => p.includes('"temperature":21.5'));

    await askBridge(hub, 'device/options', { id: idOf(bulb), options: { transition: 2 } });
    await hub.watch.client.publishAsync(`${hub.topic(bulb)}/set`, JSON.stringify({ state: 'ON', brightness: 100 }), { qos: 1 });
    await hub.watch.waitFor(hub.topic(bulb), (p) => p.includes('"brightness":100'));
    expect(bulb.received.find((frame) => frame.command === 'moveToLevelWithOnOff')?.payload).toMatchObject({ level: 100, transtime: 20 });

    // null removes an option; an unknown name is refused naming the ones the device takes, and changes nothing
    const removed = await askBridge(hub, 'device/options', { id: idOf(climate), options: { temperature_calibration: null } });
    expect(okResponse(deviceOptionsResponse).parse(removed).data).toMatchObject({ from: { temperature_calibration: 1.5 }, to: {} });
    const refused = await askBridge(hub, 'device/options', { id: idOf(climate), options: { temperature_calibration: 3, wobble: 1 } });
    expect(refused).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: expect.stringContaining('no option "wobble"') },
    });
    expect(refused.error?.message).toContain('temperature_calibration');
    climate.report('msTemperatureMeasurement', { measuredValue: 2100 });
    await hub.watch.waitFor(hub.topic(climate), (p) => p.includes('"temperature":21,') || p.includes('"temperature":21}'));
  }, 90_000);
});
