/**
 * herdsman's database.db on the hub's schedule (database-writes.ts), with herdsman's real
 * Controller over the simulated network: a save with nothing changed leaves the file alone,
 * a change is written, and what was written reads back after a restart.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startZigbeeHub } from './support.js';

/** herdsman's own periodic save (what its timer runs). */
const save = (herdsman: unknown) => (herdsman as { databaseSave(): void }).databaseSave();

describe("herdsman's database for flash", () => {
  it('is not rewritten by a save when nothing changed, and is when a device reported', async () => {
    const hub = await startZigbeeHub(['climate', 'plug']);
    const path = join(hub.stateDir, 'database.db');
    const writes = hub.radio.databaseWrites;
    expect(writes).toBeDefined();
    save(hub.radio.herdsman);
    const first = await stat(path);
    const written = writes?.written() ?? 0;
    const skipped = writes?.skipped() ?? 0;
    save(hub.radio.herdsman);
    save(hub.radio.herdsman);
    // herdsman replaces the file on every write (a temp file renamed over it): the same inode is no write
    expect((await stat(path)).ino).toBe(first.ino);
    expect(writes?.skipped()).toBe(skipped + 2);
    expect(writes?.written()).toBe(written);

    const sensor = hub.network.byKind('climate');
    sensor.report('msTemperatureMeasurement', { measuredValue: 2345 });
    await hub.watch.waitFor(hub.topic(sensor), (p) => p.includes('"temperature":23.45'));
    save(hub.radio.herdsman);
    expect((await stat(path)).ino).not.toBe(first.ino);
    expect(writes?.written()).toBe(written + 1);

    // what was written is what the next start reads: every device known, none interviewed again
    await hub.stop();
    const again = await startZigbeeHub([], { stateDir: hub.stateDir, network: hub.network, broker: hub.broker });
    expect([...again.radio.herdsman.getDevicesIterator((d) => d.type !== 'Coordinator')].map((d) => d.ieeeAddr).sort()).toEqual(
      hub.network.all.map((d) => d.ieeeAddress).sort(),
    );
  });
});
