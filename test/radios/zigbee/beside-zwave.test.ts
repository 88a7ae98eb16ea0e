/**
 * A failing Zigbee coordinator in a hub that runs Z-Wave too: the Zigbee radio's breaker opens
 * and its commands fail at once, while the Z-Wave radio (the real zwave-js driver on its mock
 * controller) carries on untouched.
 */
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { HearthError } from '../../../src/errors.js';
import { SimulatedZWaveNetwork } from '../../../src/radios/zwave/simulator/simulated-network.js';
import { ZWaveRadio } from '../../../src/radios/zwave/zwave-radio.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';
import { nodeIdOf } from '../zwave/support.js';
import { idOf, startZigbeeHub } from './support.js';

async function failureOf(promise: Promise<unknown>): Promise<HearthError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error as HearthError;
  }
}

describe('a failing Zigbee coordinator beside a Z-Wave controller', () => {
  it('opens only the Zigbee radio\'s breaker; Z-Wave devices keep working', async () => {
    const zwaveNetwork = new SimulatedZWaveNetwork(['switch']);
    onTestFinished(() => zwaveNetwork.close());
    const cache = await tempDir();
    const zwave = new ZWaveRadio({ port: zwaveNetwork.port, driverOptions: { storage: { cacheDir: cache }, logConfig: { enabled: false }, ...zwaveNetwork.driverOptions }, log: pino({ level: 'silent' }) });
    const hub = await startZigbeeHub(['bulb'], { breaker: { threshold: 2, probeMinMs: 300, probeMaxMs: 600 }, otherRadios: [zwave] });
    const { devices, network, watch } = hub;
    const bulb = network.byKind('bulb');
    await until(() => devices.device(nodeIdOf(2)) !== undefined, 20_000, 'the Z-Wave switch is registered');

    network.fault = 'fail';
    for (let i = 0; i < 2; i++) await failureOf(devices.command(idOf(bulb), { state: 'ON' }));
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"zigbee"') && p.includes('"open"'));
    expect((await failureOf(devices.command(idOf(bulb), { state: 'ON' })))?.code).toBe('CIRCUIT_OPEN');

    // Z-Wave carries on, its breaker closed
    await devices.command(nodeIdOf(2), { state: 'ON' });
    expect(zwaveNetwork.device(2).level).toBe(true);
    const zwavePart = hub.radios.find((part) => part.radio.kind === 'zwave');
    expect(zwavePart?.health()).toMatchObject({ status: 'ok', breaker: 'closed' });
    expect(hub.radios.find((part) => part.radio.kind === 'zigbee')?.health()).toMatchObject({ breaker: 'open' });

    network.fault = undefined;
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"zigbee"') && p.includes('"closed"'), 10_000);
    await devices.command(idOf(bulb), { state: 'ON' });
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
  }, 40_000);
});
