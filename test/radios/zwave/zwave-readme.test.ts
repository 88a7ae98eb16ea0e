/**
 * The README's table of Z-Wave tools is true: each row's example payload, run in order over
 * MQTT against the simulated network (a relay without config file, `hall/relay`, node 2, and
 * a switch, node 3), succeeds, and its answer is the documented `data` wherever the README
 * gives it whole (no `…`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeRows, ZWAVE_TOOLS_END, ZWAVE_TOOLS_TABLE } from '../../support/readme-rows.js';
import { until } from '../../support/until.js';
import { nodeIdOf, startZWaveHub, type ZWaveHub } from './support.js';
import { intelHex } from './intel-hex.js';

/**
 * Rows not run here: the restore row's `<base64>` is no NVM image (zwave-nvm.test.ts runs the round trip); the node a
 * replacement names was removed by the row before (zwave-node-health.test.ts replaces one);
 * the firmware update service needs the internet.
 */
const NOT_RUN_HERE = new Set(['zwave/node/replace_failed', 'zwave/nvm/restore', 'zwave/firmware_update/check']);

async function writeFirmware(hub: ZWaveHub, payload: string): Promise<void> {
  const { file } = JSON.parse(payload) as { file: string };
  const folder = join(hub.config.stateDir, 'zwave-firmware');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, file), intelHex(randomBytes(1024)));
}

describe("the README's Z-Wave tools", () => {
  it('work as documented on the simulated network', async () => {
    const rows = await readmeRows(ZWAVE_TOOLS_TABLE, ZWAVE_TOOLS_END);
    expect(rows.length).toBeGreaterThan(10);
    const hub = await startZWaveHub(['relay', 'switch']);
    for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
    hub.devices.renameDevice(nodeIdOf(2), 'hall/relay');
    let transaction = 0;
    for (const row of rows) {
      if (NOT_RUN_HERE.has(row.command)) continue;
      // the node a removal names has stopped answering
      if (row.command === 'zwave/node/remove_failed') hub.network.device(3).setReachable(false);
      // the firmware file a row names is in the firmware folder
      if (row.command === 'zwave/firmware_update') await writeFirmware(hub, row.payload);
      const tx = `readme-${++transaction}`;
      const answered = hub.watch.waitFor(`hearth/zw/bridge/response/${row.command}`, (p) => p.includes(`"transaction":"${tx}"`), 60_000);
      const payload = { ...(JSON.parse(row.payload) as Record<string, unknown>), transaction: tx };
      await hub.watch.client.publishAsync(`hearth/zw/bridge/request/${row.command}`, JSON.stringify(payload), { qos: 1 });
      const answer = JSON.parse((await answered).payload) as { status: string; data: unknown };
      expect(answer, `${row.command} ${row.payload}: ${JSON.stringify(answer)}`).toMatchObject({ status: 'ok' });
      if (!row.data.includes('…')) expect(answer.data, `${row.command} ${row.payload}`).toEqual(JSON.parse(row.data));
    }
  });
});
