/**
 * The simulated Zigbee devices' ZCL transaction numbers: a device built again at an address (the
 * next test's or the next file's network, in one process) goes on counting where the last one at
 * that address left off, as a real device does across the hub's restarts. The converters drop a
 * frame whose number its address used in the last 10 s, for the whole process: counting from 1
 * again, a remote's press in one file repeated the press of the file before and never reached
 * the hub.
 */
import type { Zcl } from 'zigbee-herdsman';
import { describe, expect, it } from 'vitest';
import { SimulatedZigbeeDevice } from '../../../src/radios/zigbee/simulator/simulated-device.js';

function deviceAt(ieee: string, sent: number[]): SimulatedZigbeeDevice {
  return new SimulatedZigbeeDevice('remote', ieee, 0x1234, (_device, _endpoint, frame: Zcl.Frame) => {
    sent.push(frame.header.transactionSequenceNumber);
  });
}

describe('simulated Zigbee transaction numbers', () => {
  it('go on at an address across the devices built at it, and each address counts on its own', () => {
    const ieee = `0x00158d00${Math.floor(Math.random() * 0xffffff)
      .toString(16)
      .padStart(6, '0')}ff`;
    const first: number[] = [];
    const before = deviceAt(ieee, first);
    before.command('genOnOff', 'on');
    before.command('genOnOff', 'toggle');
    const again: number[] = [];
    const after = deviceAt(ieee, again);
    after.command('genOnOff', 'toggle');
    after.report('genPowerCfg', { batteryPercentageRemaining: 150 });
    const [a, b] = first as [number, number];
    expect(b).toBe((a + 1) & 0xff);
    expect(again).toEqual([(b + 1) & 0xff, (b + 2) & 0xff]);

    const other: number[] = [];
    deviceAt(`${ieee.slice(0, -2)}fe`, other).command('genOnOff', 'toggle');
    expect(other).toEqual([1]);
  });
});
