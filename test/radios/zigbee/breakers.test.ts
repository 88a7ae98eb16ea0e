/**
 * Circuit breakers with faults injected through the Zigbee simulator: a failing coordinator
 * opens the Zigbee radio's breaker (commands then fail at once with CIRCUIT_OPEN, and it closes
 * by itself once the coordinator answers its probe); a device that never answers opens its own
 * breaker, not the radio's.
 */
import { describe, expect, it } from 'vitest';
import { idOf, startZigbeeHub } from './support.js';
import { failureOf } from '../../support/failure-of.js';

describe('circuit breakers on the Zigbee radio', () => {
  it('opens the radio breaker when the coordinator fails, and closes it by itself when the coordinator answers again', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug'], { breaker: { threshold: 2, probeMinMs: 300, probeMaxMs: 600 } });
    const { devices, network, watch } = hub;
    const part = hub.radios[0];
    const bulb = network.byKind('bulb');
    const plug = network.byKind('plug');

    network.fault = 'fail';
    expect((await failureOf(devices.command(idOf(bulb), { state: 'ON' })))?.code).toBe('RADIO_UNAVAILABLE');
    expect((await failureOf(devices.command(idOf(plug), { state: 'ON' })))?.code).toBe('RADIO_UNAVAILABLE');
    const opened = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"open"'));
    expect(JSON.parse(opened.payload)).toMatchObject({ type: 'breaker_state', data: { radio: 'zigbee', scope: 'radio', state: 'open' } });
    bulb.received.length = 0;
    expect((await failureOf(devices.command(idOf(bulb), { state: 'ON' })))?.code).toBe('CIRCUIT_OPEN');
    expect(bulb.received).toEqual([]);
    expect(part?.health()).toMatchObject({ breaker: 'open' });

    network.fault = undefined;
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"closed"'), 10_000);
    await devices.command(idOf(bulb), { state: 'ON' });
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(1);
  });

  it("opens a silent device's own breaker and leaves the radio's closed", async () => {
    const hub = await startZigbeeHub(['bulb', 'plug'], {
      breaker: { threshold: 2, deviceThreshold: 2, probeMinMs: 60_000, probeMaxMs: 60_000 },
    });
    const { devices, network, watch } = hub;
    const bulb = network.byKind('bulb');
    const plug = network.byKind('plug');
    bulb.fault = 'silent';
    for (let i = 0; i < 2; i++) expect((await failureOf(devices.command(idOf(bulb), { state: 'ON' })))?.code).toBe('DEVICE_UNREACHABLE');
    const opened = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"open"'));
    expect(JSON.parse(opened.payload)).toMatchObject({ data: { scope: 'device', device: idOf(bulb) } });
    expect((await failureOf(devices.command(idOf(bulb), { state: 'ON' })))?.code).toBe('CIRCUIT_OPEN');
    // the radio and its other devices carry on
    await devices.command(idOf(plug), { state: 'ON' });
    expect(plug.attribute('genOnOff', 'onOff')).toBe(1);
    expect(hub.radios[0]?.health()).toMatchObject({ breaker: 'closed' });
  });
});
