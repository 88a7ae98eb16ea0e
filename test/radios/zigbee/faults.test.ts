/**
 * What the breakers (src/resilience) get from the Zigbee radio: a failing or hung coordinator is
 * the radio's fault, a silent or refusing device only that device's; probe and ping tell them
 * apart cheaply. And a device flooding reports is throttled without starving the others.
 */
import { describe, expect, it } from 'vitest';
import { isHearthError, type HearthError } from '../../../src/errors.js';
import { until } from '../../support/until.js';
import { idOf, startZigbeeHub } from './support.js';

async function failure(promise: Promise<unknown>): Promise<HearthError> {
  const error = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  if (!isHearthError(error)) throw new Error(`expected a HearthError, got ${String(error)}`);
  return error;
}

describe('Zigbee faults', () => {
  it('blames the radio for a failing or hung coordinator, and one device for its own silence or refusal', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug']);
    const { network, radio } = hub;
    const bulb = network.byKind('bulb');
    const plug = network.byKind('plug');
    await radio.probe();
    await radio.ping(idOf(bulb));

    bulb.fault = 'silent';
    const silent = await failure(radio.send(idOf(bulb), { state: 'ON' }));
    expect(silent.code).toBe('DEVICE_UNREACHABLE');
    expect(radio.faultScope(silent)).toBe('device');
    const unanswered = await failure(radio.ping(idOf(bulb)));
    expect(unanswered.code).toBe('DEVICE_UNREACHABLE');
    expect(radio.faultScope(unanswered)).toBe('device');
    await radio.probe(); // the coordinator is fine
    await radio.send(idOf(plug), { state: 'ON' }); // and so are the others
    expect(plug.attribute('genOnOff', 'onOff')).toBe(1);

    // a device that refuses: herdsman checks the status of attribute writes (a cluster command's default response it does not)
    plug.fault = 'fail';
    const refused = await failure(radio.send(idOf(plug), { power_on_behavior: 'on' }));
    expect(refused.code).toBe('RADIO_COMMAND_FAILED');
    expect(radio.faultScope(refused)).toBe('device');
    expect(plug.attribute('genOnOff', 'startUpOnOff')).toBeUndefined();
    plug.fault = undefined;
    bulb.fault = undefined;

    network.fault = 'fail';
    const broken = await failure(radio.send(idOf(plug), { state: 'OFF' }));
    expect(broken.code).toBe('RADIO_UNAVAILABLE');
    expect(radio.faultScope(broken)).toBe('radio');
    expect(radio.faultScope(await failure(radio.probe()))).toBe('radio');

    network.fault = 'hang';
    const hung = await failure(radio.probe());
    expect(hung.code).toBe('TIMEOUT');
    expect(radio.faultScope(hung)).toBe('radio');
    expect(radio.faultScope(await failure(radio.send(idOf(plug), { state: 'OFF' })))).toBe('radio');

    // over MQTT, the failure reaches the user with its code
    await hub.watch.client.publishAsync(`${hub.topic(plug)}/set`, '{"state":"OFF"}', { qos: 1 });
    const failed = await hub.watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('command_failed'));
    expect(JSON.parse(failed.payload)).toMatchObject({ data: { device: idOf(plug), code: 'RADIO_UNAVAILABLE' } });

    expect(radio.health()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('Timeout') });
    network.fault = undefined;
    await radio.probe();
    expect(radio.health()).toMatchObject({ status: 'ok', devices: 2 });
    await radio.send(idOf(plug), { state: 'OFF' });
    expect(plug.attribute('genOnOff', 'onOff')).toBe(0);
  });

  it('throttles a device flooding reports, passing its latest values, without starving the others', async () => {
    const hub = await startZigbeeHub(['plug', 'climate'], { maxReportsPerS: 10 });
    const { network, watch } = hub;
    const plug = network.byKind('plug');
    const climate = network.byKind('climate');
    const plugTopic = hub.topic(plug);
    const states = () => watch.received.filter((m) => m.topic === plugTopic).length;
    const before = states();

    plug.flood('haElectricalMeasurement', 'activePower', 2000, 1);
    climate.report('msTemperatureMeasurement', { measuredValue: 1999 });
    // the sensor's report is not stuck behind the flood
    await watch.waitFor(hub.topic(climate), (p) => p.includes('"temperature":19.99'));
    // the flood's last value arrives, merged: far fewer state messages than reports
    await watch.waitFor(plugTopic, (p) => p.includes('"power":2000'));
    expect(states() - before).toBeLessThan(50);
    await until(() => (hub.radio.health().merged_reports as number) > 1900, 2000, 'the merged reports are counted');
  });
});
