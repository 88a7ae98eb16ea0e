/**
 * Radio supervision with the Z-Wave radio on its simulated network: a stick that is not
 * plugged in at start does not stop the hub; the radio restarts with backoff, counts as down
 * after too many failures, and comes back by itself when the stick does.
 */
import { describe, expect, it } from 'vitest';
import { nodeIdOf, startZWaveHub } from './support.js';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (const began = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() - began > timeoutMs) throw new Error(`timed out waiting until ${what}`);
  }
}

describe('radio supervision', () => {
  it('runs the hub without its stick, and starts the radio once the stick is plugged in', async () => {
    const hub = await startZWaveHub(['switch'], { unplugged: true, restart: { minMs: 200, maxMs: 1000, maxAttempts: 50 } });
    const { devices, network, watch } = hub;
    const part = hub.radios[0];
    expect(part?.health()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('unplugged') });
    await watch.waitFor('hearth/zw/bridge/state', '{"state":"online"}');
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('restarting'));
    // commands fail fast with the radio's state meanwhile
    devices.addDevice({ id: nodeIdOf(2), friendlyName: 'switch', radio: 'zwave', capabilities: [{ type: 'switch', features: [{ type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON', value_off: 'OFF' }] }] });
    await expect(devices.command(nodeIdOf(2), { state: 'ON' })).rejects.toMatchObject({ code: 'RADIO_UNAVAILABLE' });

    network.plugIn();
    await until(() => part?.state === 'running', 'the radio runs');
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('"running"'));
    await until(() => devices.device(nodeIdOf(2))?.model !== undefined, 'the radio announced the switch');
    await watch.client.publishAsync('hearth/zw/switch/set', '{"state":"ON"}', { qos: 1 });
    await until(() => network.device(2).level === true, 'the switch is on');
  });

  it('counts a radio that keeps failing as down, and still retries it at the cap interval', async () => {
    const hub = await startZWaveHub(['switch'], { unplugged: true, restart: { minMs: 100, maxMs: 1000, maxAttempts: 2 } });
    const { network, watch } = hub;
    const part = hub.radios[0];
    await until(() => part?.state === 'down', 'the radio counts as down');
    expect(part?.health()).toMatchObject({ status: 'down', detail: expect.stringContaining('down after 2 failed restarts') });
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('radio_state') && p.includes('"down"'));
    network.plugIn();
    await until(() => part?.state === 'running', 'the radio runs again at the cap interval');
    expect(part?.health().status).toBe('ok');
  });
});
