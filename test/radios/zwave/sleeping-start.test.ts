/**
 * A Z-Wave start with a sleeping node whose interview waits for its wake-up: the hub's device
 * lists (bridge/devices) go out once the other nodes are announced, without waiting for the
 * sleeper (nodes-announced.ts), and again with it once it woke up and was interviewed.
 */
import { describe, expect, it } from 'vitest';
import { nodeIdOf, startZWaveHub, wakeUpOnceAsleep } from './support.js';

const listed = (payload: string): string[] => (JSON.parse(payload) as { ieee_address: string }[]).map((device) => device.ieee_address);

describe('Z-Wave start with a node asleep before its interview', () => {
  it('publishes bridge/devices with the awake nodes at once, and with the sleeper when it wakes up', async () => {
    // lists held for as long as ten minutes: only the radio's announcement lets them go within the test
    const hub = await startZWaveHub(['switch', 'dimmer', 'multisensor', 'door'], { settleMaxS: 600 });
    const first = await hub.watch.waitFor('hearth/zw/bridge/devices', (p) => listed(p).includes(nodeIdOf(2)), 45_000);
    expect(listed(first.payload)).toEqual(expect.arrayContaining([nodeIdOf(2), nodeIdOf(3), nodeIdOf(4)]));
    expect(listed(first.payload)).not.toContain(nodeIdOf(5));
    expect(hub.devices.device(nodeIdOf(5))).toBeUndefined();

    await wakeUpOnceAsleep(hub, 5);
    await hub.watch.waitFor('hearth/zw/bridge/devices', (p) => listed(p).includes(nodeIdOf(5)), 45_000);
  }, 150_000);
});
