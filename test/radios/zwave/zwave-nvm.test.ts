/**
 * The Z-Wave controller's NVM backup round trip over MQTT, on zwave-js's mock controller given
 * an NVM (nvm-controller.ts, an image built by zwave-js's NVM editor): bridge/request/backup
 * carries the controller's NVM byte for byte and writes it to the state directory readable by
 * the hub only; zwave/nvm/restore writes a backup back over a changed NVM (the controller then
 * restarts, and the hub follows its devices again); a restore is refused while an inclusion
 * runs, the NVM left alone; the hub writes a backup when it stops.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../support/until.js';
import { bridgeRequest, nodeIdOf, startZWaveHub, type ZWaveHub } from './support.js';
import { MockNvm } from './nvm-controller.js';
import { nvmImage } from './nvm-image.js';

async function nvmHub(nvm: MockNvm): Promise<ZWaveHub> {
  const hub = await startZWaveHub(['relay', 'switch'], { nvm });
  for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
  return hub;
}

const backupFile = (hub: ZWaveHub): string => join(hub.config.stateDir, 'zwave-nvm.bin');

describe('the Z-Wave NVM backup', () => {
  it('backs the NVM up byte for byte into a file only the hub reads, and restores it over a changed NVM', async () => {
    const image = await nvmImage([2, 3], 'hearth-a');
    const nvm = new MockNvm(image);
    const hub = await nvmHub(nvm);

    const backup = await bridgeRequest(hub, 'backup', {}, 60_000);
    expect(backup.status, JSON.stringify(backup)).toBe('ok');
    const zwave = backup.data.zwave as { format: string; bytes: number; nvm: string; file: string };
    expect(zwave).toMatchObject({ format: 'zwave-js-nvm-raw', bytes: image.byteLength, file: backupFile(hub) });
    expect(Buffer.from(zwave.nvm, 'base64').equals(Buffer.from(image))).toBe(true);
    expect((await readFile(backupFile(hub))).equals(Buffer.from(image))).toBe(true);
    expect((await stat(backupFile(hub))).mode & 0o777).toBe(0o600);
    expect(nvm.rfOff).toBe(false);

    // the controller's NVM changed since (another node joined): the backup is written back over it
    const changed = await nvmImage([2, 3, 4], 'hearth-b');
    nvm.image = changed;
    nvm.writes = 0;
    const restored = await bridgeRequest(hub, 'zwave/nvm/restore', { nvm: zwave.nvm }, 120_000);
    expect(restored, JSON.stringify(restored)).toMatchObject({ status: 'ok', data: { restored: true, bytes: image.byteLength } });
    expect(nvm.writes).toBeGreaterThan(0);
    expect(Buffer.from(nvm.image).equals(Buffer.from(image))).toBe(true);
    expect(nvm.rfOff).toBe(false);

    // the driver restarted the controller on the restored NVM: the hub carries a /set and a report again
    const driver = hub.radio.zwave;
    await until(() => driver.ready && driver.controller.nodes.get(3)?.ready === true, 90_000, 'the restarted controller knows node 3');
    hub.watch.received.splice(0);
    await hub.watch.client.publishAsync(`hearth/zw/${nodeIdOf(3)}/set`, '{"state":"ON"}', { qos: 1 });
    await hub.watch.waitFor(`hearth/zw/${nodeIdOf(3)}`, (p) => p.includes('"state":"ON"'), 30_000);
    expect(hub.network.device(3).level).toBe(true);
    hub.watch.received.splice(0);
    await hub.network.device(3).toggleLocally(false);
    await hub.watch.waitFor(`hearth/zw/${nodeIdOf(3)}`, (p) => p.includes('"state":"OFF"'), 30_000);
  }, 180_000); // a deadline: a backup and a restore over the mock's serial port, then the controller's restart (13 s alone, 50 s at load 20)

  it('refuses a restore while an inclusion runs, leaving the NVM alone, and writes a backup when the hub stops', async () => {
    const image = await nvmImage([2, 3], 'hearth-a');
    const nvm = new MockNvm(image);
    const hub = await nvmHub(nvm);
    const other = await nvmImage([2], 'hearth-b');

    expect(await bridgeRequest(hub, 'permit_join', { value: true, time: 60 })).toMatchObject({ status: 'ok' });
    const refused = await bridgeRequest(hub, 'zwave/nvm/restore', { nvm: Buffer.from(other).toString('base64') });
    expect(refused, JSON.stringify(refused)).toMatchObject({ status: 'error', error: { code: 'RADIO_BUSY' } });
    expect(refused.error?.message).toContain('stop inclusion or exclusion first');
    expect(nvm.writes).toBe(0);
    expect(nvm.reads).toBe(0);
    expect(Buffer.from(nvm.image).equals(Buffer.from(image))).toBe(true);
    expect(await bridgeRequest(hub, 'permit_join', { value: false })).toMatchObject({ status: 'ok' });

    await hub.stop();
    expect((await readFile(backupFile(hub))).equals(Buffer.from(image))).toBe(true);
    expect((await stat(backupFile(hub))).mode & 0o777).toBe(0o600);
  });
});
