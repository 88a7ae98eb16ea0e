/**
 * Radio supervision with the Z-Wave radio on its simulated network: a stick that is not
 * plugged in at start, or pulled out while the hub runs, does not stop the hub; the radio's
 * devices go offline, it restarts with backoff, counts as down after too many failures, and
 * comes back by itself when the stick does.
 */
import { describe, expect, it } from 'vitest';
import { nodeIdOf, startZWaveHub } from './support.js';
import { until } from '../../support/until.js';

describe('radio supervision', () => {
  it('runs the hub without its stick, and starts the radio once the stick is plugged in', async () => {
    const hub = await startZWaveHub(['switch'], {
      unplugged: true,
      restart: { minMs: 200, maxMs: 1000, maxAttempts: 50 },
      attempts: { openSerialPort: 1 },
    });
    const { devices, network, watch } = hub;
    const part = hub.radios[0];
    expect(part?.health()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('unplugged') });
    await watch.waitFor('hearth/zw/bridge/state', '{"state":"online"}');
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('restarting'));
    // commands fail fast with the radio's state meanwhile
    devices.addDevice({
      id: nodeIdOf(2),
      friendlyName: 'switch',
      radio: 'zwave',
      capabilities: [
        { type: 'switch', features: [{ type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON', value_off: 'OFF' }] },
      ],
    });
    await expect(devices.command(nodeIdOf(2), { state: 'ON' })).rejects.toMatchObject({ code: 'RADIO_UNAVAILABLE' });

    network.plugIn();
    await until(() => part?.state === 'running', 30_000, 'the radio runs');
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('"running"'));
    await until(() => devices.device(nodeIdOf(2))?.model !== undefined, 20_000, 'the radio announced the switch');
    await watch.client.publishAsync('hearth/zw/switch/set', '{"state":"ON"}', { qos: 1 });
    await until(() => network.device(2).level === true, 20_000, 'the switch is on');
  }, 60_000);

  it('restarts a radio whose stick is pulled out while it runs; its devices are offline meanwhile', async () => {
    const hub = await startZWaveHub(['switch', 'multisensor'], {
      restart: { minMs: 200, maxMs: 1000, maxAttempts: 50 },
      attempts: { openSerialPort: 1 },
    });
    const { devices, network, watch } = hub;
    const part = hub.radios[0];
    for (const id of [2, 3]) await until(() => devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
    await watch.waitFor(`hearth/zw/${nodeIdOf(3)}/availability`, '{"state":"online"}');

    network.unplug();
    // zwave-js waits a second, then tries to reopen the port (once here) before it gives up
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('restarting'), 25_000);
    await watch.waitFor(`hearth/zw/${nodeIdOf(3)}/availability`, '{"state":"offline"}');
    await watch.waitFor(`hearth/zw/${nodeIdOf(2)}/availability`, '{"state":"offline"}');
    expect(part?.health().status).toBe('degraded');

    network.plugIn();
    await until(() => part?.state === 'running', 20_000, 'the radio runs again');
    await watch.waitFor(
      `hearth/zw/${nodeIdOf(3)}/availability`,
      (p) => p === '{"state":"online"}' && watch.received.some((m) => m.payload === '{"state":"offline"}'),
    );
    await network.device(3).reportSensor('temperature', 19.5);
    await watch.waitFor(`hearth/zw/${nodeIdOf(3)}`, (p) => p.includes('"temperature":19.5'));
    await watch.client.publishAsync(`hearth/zw/${nodeIdOf(2)}/set`, '{"state":"ON"}', { qos: 1 });
    await until(() => network.device(2).level === true, 20_000, 'the switch is on');
  }, 60_000);

  it('counts a radio that keeps failing as down, and still retries it at the cap interval', async () => {
    // zwave-js tries a missing port (once here) before a start fails
    const hub = await startZWaveHub(['switch'], {
      unplugged: true,
      restart: { minMs: 100, maxMs: 1000, maxAttempts: 1 },
      attempts: { openSerialPort: 1 },
    });
    const { network, watch } = hub;
    const part = hub.radios[0];
    await until(() => part?.state === 'down', 40_000, 'the radio counts as down');
    expect(part?.health()).toMatchObject({ status: 'down', detail: expect.stringContaining('down after 1 failed restarts') });
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('"down"'));
    network.plugIn();
    await until(() => part?.state === 'running', 20_000, 'the radio runs again at the cap interval');
    expect(part?.health().status).toBe('ok');
  }, 90_000);
});
