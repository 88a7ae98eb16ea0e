/**
 * One radio's fault stays that radio's: a hub runs all three radios (Zigbee: real herdsman over
 * the simulated adapter; Z-Wave: the real zwave-js driver on its mock controller; GPIO: the
 * GPIO radio on the in-process simulated pins, since this process cannot enter a mount
 * namespace of its own; the real onoff on the simulated sysfs is tested in test/radios/gpio).
 * A Z-Wave controller that hangs, or a Zigbee coordinator that fails, opens that radio's
 * breaker only: its commands fail at once with CIRCUIT_OPEN while the other two radios'
 * devices are commanded as usual, and it closes by itself when the fault clears.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { InProcessPins } from '../../src/radios/gpio/simulator/in-process-pins.js';
import { SimulatedZWaveNetwork } from '../../src/radios/zwave/simulator/simulated-network.js';
import { until } from '../support/until.js';
import { idOf, startZigbeeHub } from './zigbee/support.js';
import { nodeIdOf } from './zwave/support.js';
import { failureOf } from '../support/failure-of.js';

const RELAY = 'gpio:0:17';
const fast = { threshold: 2, probeMinMs: 300, probeMaxMs: 600 };

async function threeRadioHub() {
  const zwaveNetwork = new SimulatedZWaveNetwork(['switch']);
  onTestFinished(() => zwaveNetwork.close());
  const pins = new InProcessPins();
  const hub = await startZigbeeHub(['bulb'], {
    breaker: fast,
    otherRadios: {
      zwave: {
        network: zwaveNetwork,
        // one controller attempt: a hung controller fails a command in one ACK timeout, not three
        driverOptions: { timeouts: { ack: 400 }, attempts: { controller: 1 } },
      },
      gpio: { pins, board: 'pi-4b' },
    },
    otherProfile: { gpio: { devices: [{ type: 'relay', pin: 17, name: 'relay' }] } },
    otherBreakers: { zwave: fast, gpio: fast },
  });
  await until(() => hub.devices.device(nodeIdOf(2)) !== undefined, 20_000, 'the Z-Wave switch is registered');
  await until(() => hub.devices.device(RELAY) !== undefined, 10_000, 'the GPIO relay is registered');
  const part = (kind: string) => hub.radios.find((radio) => radio.radio.kind === kind);
  const bulb = hub.network.byKind('bulb');
  /** Commands each of the two other radios' devices, and checks they took it and their breakers stay closed. */
  const othersWork = async (besides: 'zwave' | 'zigbee', state: 'ON' | 'OFF') => {
    if (besides !== 'zigbee') {
      await hub.devices.command(idOf(bulb), { state });
      expect(bulb.attribute('genOnOff', 'onOff')).toBe(state === 'ON' ? 1 : 0);
    }
    if (besides !== 'zwave') {
      await hub.devices.command(nodeIdOf(2), { state });
      expect(zwaveNetwork.device(2).level).toBe(state === 'ON');
    }
    await hub.devices.command(RELAY, { state });
    expect(pins.level(17)).toBe(state === 'ON' ? 1 : 0);
    for (const kind of ['zigbee', 'zwave', 'gpio'].filter((k) => k !== besides))
      expect(part(kind)?.health(), kind).toMatchObject({ status: 'ok', breaker: 'closed' });
  };
  return { ...hub, zwaveNetwork, pins, part, bulb, othersWork };
}

describe('a radio fault beside the other radios', () => {
  it('a hung Z-Wave controller opens the Z-Wave breaker only; Zigbee and GPIO keep working', async () => {
    const hub = await threeRadioHub();
    hub.zwaveNetwork.hung(true);
    for (let i = 0; i < 2; i++) await failureOf(hub.devices.command(nodeIdOf(2), { state: 'ON' }));
    await hub.watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"zwave"') && p.includes('"open"'));
    expect((await failureOf(hub.devices.command(nodeIdOf(2), { state: 'ON' })))?.code).toBe('CIRCUIT_OPEN');
    await hub.othersWork('zwave', 'ON');
    await hub.othersWork('zwave', 'OFF');
    // still broken: open, or half-open while a probe (which fails) is out, however long the others took
    expect(['open', 'half_open']).toContain(hub.part('zwave')?.health().breaker);

    hub.zwaveNetwork.hung(false);
    await hub.watch.waitFor(
      'hearth/zb/bridge/event',
      (p) => p.includes('breaker_state') && p.includes('"zwave"') && p.includes('"closed"'),
      10_000,
    );
    await hub.devices.command(nodeIdOf(2), { state: 'ON' });
    expect(hub.zwaveNetwork.device(2).level).toBe(true);
  }, 60_000);

  it('a failing Zigbee coordinator opens the Zigbee breaker only; Z-Wave and GPIO keep working', async () => {
    const hub = await threeRadioHub();
    hub.network.fault = 'fail';
    for (let i = 0; i < 2; i++) await failureOf(hub.devices.command(idOf(hub.bulb), { state: 'ON' }));
    await hub.watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('breaker_state') && p.includes('"zigbee"') && p.includes('"open"'));
    expect((await failureOf(hub.devices.command(idOf(hub.bulb), { state: 'ON' })))?.code).toBe('CIRCUIT_OPEN');
    await hub.othersWork('zigbee', 'ON');
    await hub.othersWork('zigbee', 'OFF');
    // still broken: open, or half-open while a probe (which fails) is out, however long the others took
    expect(['open', 'half_open']).toContain(hub.part('zigbee')?.health().breaker);

    hub.network.fault = undefined;
    await hub.watch.waitFor(
      'hearth/zb/bridge/event',
      (p) => p.includes('breaker_state') && p.includes('"zigbee"') && p.includes('"closed"'),
      10_000,
    );
    await hub.devices.command(idOf(hub.bulb), { state: 'ON' });
    expect(hub.bulb.attribute('genOnOff', 'onOff')).toBe(1);
  }, 60_000);
});
