/**
 * Radio supervision with the Zigbee radio on its simulated network: a coordinator pulled out
 * while the hub runs does not stop the hub; the radio's devices go offline, it restarts with
 * backoff, and comes back with its devices (herdsman's database) once the stick is back.
 */
import { describe, expect, it } from 'vitest';
import { until } from '../../support/until.js';
import { startZigbeeHub } from './support.js';

describe('Zigbee radio supervision', () => {
  it('restarts a radio whose coordinator is pulled out; its devices are offline meanwhile and back after', async () => {
    const hub = await startZigbeeHub(['bulb', 'climate'], { restart: { minMs: 100, maxMs: 1000, maxAttempts: 50 } });
    const { network, watch } = hub;
    const part = hub.radios[0];
    const bulb = network.byKind('bulb');
    const climate = network.byKind('climate');
    await watch.waitFor(`${hub.topic(bulb)}/availability`, '{"state":"online"}');

    network.unplug();
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('radio_state') && p.includes('restarting'));
    await watch.waitFor(`${hub.topic(bulb)}/availability`, '{"state":"offline"}');
    await watch.waitFor(`${hub.topic(climate)}/availability`, '{"state":"offline"}');
    expect(part?.health().status).toBe('degraded');
    await expect(hub.devices.command(`zigbee:${bulb.ieeeAddress}`, { state: 'ON' })).rejects.toMatchObject({ code: 'RADIO_UNAVAILABLE' });

    network.plugIn();
    await until(() => part?.state === 'running', 10_000, 'the radio runs again');
    await watch.waitFor(
      `${hub.topic(bulb)}/availability`,
      (p) => p === '{"state":"online"}' && watch.received.filter((m) => m.topic === `${hub.topic(bulb)}/availability`).length >= 3,
    );
    climate.report('msTemperatureMeasurement', { measuredValue: 1950 });
    await watch.waitFor(hub.topic(climate), (p) => p.includes('"temperature":19.5'));
    await watch.client.publishAsync(`${hub.topic(bulb)}/set`, '{"state":"ON"}', { qos: 1 });
    await until(() => bulb.attribute('genOnOff', 'onOff') === 1, 5000, 'the bulb is on');
  });
});
