/**
 * The README's table of bridge requests (issue 19.18) is true: every command the hub knows has a
 * row; each row's example payload, run in the table's order against a hub with one device,
 * succeeds, and its answer is the documented `data` wherever the README gives it whole (no `…`).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { BRIDGE_COMMANDS, BridgeRequests } from '../../src/uplink/bridge-requests.js';
import { capturingLog } from '../actors/support.js';
import { actorsConfig } from '../support/config-defaults.js';
import { tempDir } from '../support/temp-dir.js';

interface Row {
  command: string;
  payload: string;
  data: string;
}

async function readmeRows(): Promise<Row[]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Bridge requests'), readme.indexOf('### Names'));
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z_/]+)` \| `([^`]*)`[^|]* \| `([^`]*)`/.exec(line);
    if (match !== null) rows.push({ command: match[1] ?? '', payload: match[2] ?? '', data: match[3] ?? '' });
  }
  return rows;
}

describe("the README's bridge requests", () => {
  it('document every command with an example that works and the answer it gets', async () => {
    const rows = await readmeRows();
    expect(rows.map((row) => row.command).sort()).toEqual([...BRIDGE_COMMANDS].sort());

    const { log } = capturingLog();
    const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
    const devices = new DeviceService({
      stateDir: await tempDir(),
      store: configSchema.parse({ store: { journalBatchMs: 5 } }).store,
      system,
      log,
    });
    await devices.start();
    onTestFinished(async () => {
      await system.shutdown();
      await devices.stop();
    });
    devices.addDevice({ id: 'zigbee:0x00158d0001a2b3c4', friendlyName: 'living/lamp', radio: 'zigbee' });
    const requests = new BridgeRequests(
      {
        devices,
        radios: {
          permitJoin: () => Promise.resolve(),
          exclusion: () => Promise.resolve(),
          answerInclusion: () => undefined,
          running: (kind) => {
            throw new Error(`no ${kind} radio in this test`);
          },
          backup: () => Promise.resolve({ zigbee: { metadata: { format: 'zigpy/open-coordinator-backup', version: 1 } } }),
        },
        health: () => ({ status: 'ok' }),
      },
      64 * 1024,
    );
    for (const row of rows) {
      const answer = await requests.handle(row.command, Buffer.from(row.payload));
      expect(answer, `${row.command} ${row.payload}`).toMatchObject({ status: 'ok' });
      if (!row.data.includes('…')) expect(answer.data, `${row.command} ${row.payload}`).toEqual(JSON.parse(row.data));
    }
    // the documented failure (the device back, the last row removed it)
    devices.addDevice({ id: 'zigbee:0x00158d0001a2b3c4', friendlyName: 'kitchen/lamp', radio: 'zigbee' });
    expect(await requests.handle('room/add_device', Buffer.from('{"room":"Attic","device":"kitchen/lamp"}'))).toMatchObject({
      error: { code: 'ROOM_NOT_FOUND', message: 'no room with id or name "Attic"' },
    });
  });
});
