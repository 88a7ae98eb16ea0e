/**
 * Queued commands of a Z-Wave node that left the network do not stay in the file for ever: the
 * real zwave-js driver on its mock controller, a sleeping door sensor with a command waiting
 * for it (on disk, `queued-commands/zwave.json`), then the node excluded, or removed with
 * `device/remove`, or found gone from the network at start: its commands leave the file, each
 * with a `command_failed` (DEVICE_NOT_FOUND) on `bridge/event`; other nodes' commands stay.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queuedCommandsFile } from '../../../src/radios/zwave/zwave-from-config.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';
import { nodeIdOf, startZWaveHub, untilAsleep, wakeUpOnceAsleep, type ZWaveHub } from './support.js';

const DOOR = nodeIdOf(3);
const INTERVAL = 'wake_up_interval';

/** The devices whose commands the file on disk holds. */
async function devicesOnDisk(stateDir: string): Promise<string[]> {
  const text = await readFile(queuedCommandsFile(stateDir), 'utf8').catch(() => '{"commands":[]}');
  return (JSON.parse(text) as { commands: { device: string }[] }).commands.map((command) => command.device);
}

/** The door asleep with one command waiting for it, on disk. */
async function doorWithQueuedCommand(hub: ZWaveHub): Promise<void> {
  const { devices, watch, config } = hub;
  await wakeUpOnceAsleep(hub, 3);
  await until(() => devices.device(DOOR) !== undefined, 45_000, 'the door sensor is registered');
  await untilAsleep(hub, 3);
  await watch.client.publishAsync(`hearth/zw/${DOOR}/set`, JSON.stringify({ [INTERVAL]: 600 }), { qos: 1 });
  await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('command_queued'));
  expect(await devicesOnDisk(config.stateDir)).toEqual([DOOR]);
}

/** Waits until the file on disk holds the commands of exactly `expected` (in order). */
async function untilOnDisk(stateDir: string, expected: string[], what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (JSON.stringify(await devicesOnDisk(stateDir)) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await devicesOnDisk(stateDir))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function commandFailed(hub: ZWaveHub, device: string): Promise<{ device: string; code: string; message: string }> {
  const event = await hub.watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('command_failed') && p.includes(device));
  return (JSON.parse(event.payload) as { data: { device: string; code: string; message: string } }).data;
}

describe('queued Z-Wave commands of a node that left the network', () => {
  it('are dropped with command_failed when the node is excluded', async () => {
    const hub = await startZWaveHub(['switch', 'door']);
    await doorWithQueuedCommand(hub);
    hub.network.pairToLeave(3);
    await hub.watch.client.publishAsync('hearth/zw/bridge/request/zwave/exclusion', '{"value":true,"time":30}', { qos: 1 });
    expect(await commandFailed(hub, DOOR)).toMatchObject({ code: 'DEVICE_NOT_FOUND', message: expect.stringContaining('left the Z-Wave') });
    await untilOnDisk(hub.config.stateDir, [], 'the file without the door');
  });

  it('are dropped with command_failed when the device is removed (device/remove)', async () => {
    const hub = await startZWaveHub(['switch', 'door']);
    await doorWithQueuedCommand(hub);
    await hub.watch.client.publishAsync('hearth/zw/bridge/request/device/remove', JSON.stringify({ id: DOOR }), { qos: 1 });
    expect(await commandFailed(hub, DOOR)).toMatchObject({ code: 'DEVICE_NOT_FOUND', message: expect.stringContaining('device/remove') });
    await untilOnDisk(hub.config.stateDir, [], 'the file without the door');
  });

  it("are dropped at start for a node no longer in the network, and other nodes' stay", async () => {
    const stateDir = await tempDir();
    const gone = nodeIdOf(9);
    const at = Date.now();
    await mkdir(dirname(queuedCommandsFile(stateDir)), { recursive: true });
    await writeFile(
      queuedCommandsFile(stateDir),
      JSON.stringify({
        nextSeq: 3,
        commands: [
          { seq: 1, device: gone, payload: { state: 'ON' }, at },
          { seq: 2, device: DOOR, payload: { [INTERVAL]: 600 }, at },
        ],
      }),
    );
    const hub = await startZWaveHub(['switch', 'door'], { stateDir });
    expect(await commandFailed(hub, gone)).toMatchObject({ code: 'DEVICE_NOT_FOUND', message: expect.stringContaining('no longer in') });
    await untilOnDisk(stateDir, [DOOR], "the file with the door's command only");
    expect(hub.watch.received.filter((m) => m.payload.includes('command_failed') && m.payload.includes(DOOR))).toEqual([]);
  });
});
