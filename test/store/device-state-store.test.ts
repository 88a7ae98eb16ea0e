import { LineChild } from '../support/line-child.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { DeviceStateStore, type DeviceStateStoreOptions } from '../../src/store/device-state-store.js';
import { diskStats } from '../../src/store/disk-stats.js';
import { capturingLog } from '../actors/support.js';
import { stateStoreOptions } from '../support/config-defaults.js';
import { tempDir } from '../support/temp-dir.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';
const sensor = 'zwave:3735928559:5';

function open(dir: string, options: Partial<DeviceStateStoreOptions> = {}) {
  return DeviceStateStore.open(
    stateStoreOptions(dir, capturingLog().log, { shards: 4, batchIntervalMs: 5, compactIntervalMs: 0, ...options }),
  );
}

describe('device state store', () => {
  it('folds changes at once and acknowledges them once on disk; a restart replays the journal', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    const first = store.record(lamp, { values: { state: 'ON', brightness: 10 }, lastSeen: 1000, availability: 'online' });
    const second = store.record(lamp, { values: { brightness: 20 }, lastSeen: 2000 });
    expect(await store.get(lamp)).toEqual({ values: { state: 'ON', brightness: 20 }, lastSeen: 2000, availability: 'online' });
    expect(await Promise.all([first, second])).toEqual([1, 1]); // one batch: one record, folded
    // no close: the process "dies" here with only the journal on disk
    const reopened = await open(dir);
    expect(await reopened.get(lamp)).toEqual({ values: { state: 'ON', brightness: 20 }, lastSeen: 2000, availability: 'online' });
    expect(reopened.recovery).toMatchObject({ records: 1, corrupt: 0 });
    await reopened.close();
  });

  it('compacts the tail into snapshot shards and deletes the journal it covers; state survives', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    for (let i = 0; i < 30; i++) await store.record(lamp, { values: { brightness: i } });
    await store.record(sensor, { values: { temperature: 21.5 } });
    await store.compact();
    expect(store.tailSize).toBe(0);
    expect((await store.shardOnDisk(lamp))[lamp]).toEqual({ values: { brightness: 29 } });
    const segments = (await readdir(join(dir, 'journal'))).filter((name) => name.endsWith('.log'));
    expect(segments.length).toBeLessThanOrEqual(1); // only the (empty) segment being written
    await store.record(sensor, { values: { humidity: 40 } });
    await store.close();
    const reopened = await open(dir);
    expect(await reopened.get(lamp)).toEqual({ values: { brightness: 29 } });
    expect(await reopened.get(sensor)).toEqual({ values: { temperature: 21.5, humidity: 40 } });
    await reopened.close();
  });

  it('reads each snapshot shard once for many devices asked at once (a first sync asks for every device)', async () => {
    const dir = await tempDir();
    const store = await open(dir, { shards: 4 });
    const ids = Array.from({ length: 200 }, (_, d) => `zigbee:0x${d.toString(16).padStart(16, '0')}`);
    for (const [n, id] of ids.entries()) store.record(id, { values: { n } }).catch(() => undefined);
    await store.compact();
    await store.close();
    const reopened = await open(dir, { shards: 4 });
    const before = diskStats.shardReads;
    const states = await Promise.all(ids.map((id) => reopened.get(id)));
    expect(states.map((state) => state?.values.n)).toEqual(ids.map((_, n) => n));
    expect(diskStats.shardReads - before).toBeLessThanOrEqual(4);
    await reopened.close();
  });

  it('keeps changes that arrive during a compaction', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    for (let d = 0; d < 40; d++) await store.record(`zigbee:0x${d.toString(16).padStart(16, '0')}`, { values: { n: 1 } });
    const compaction = store.compact();
    store.record(lamp, { values: { state: 'OFF' } }).catch(() => undefined);
    await compaction;
    expect(await store.get(lamp)).toEqual({ values: { state: 'OFF' } });
    await store.close();
    const reopened = await open(dir);
    expect(await reopened.get(lamp)).toEqual({ values: { state: 'OFF' } });
    expect(await reopened.get('zigbee:0x0000000000000027')).toEqual({ values: { n: 1 } });
    await reopened.close();
  });

  it('forgets a removed device, and a device added again starts without the old state', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await store.record(lamp, { values: { state: 'ON', brightness: 10 } });
    await store.compact();
    await store.forget(lamp);
    expect(await store.get(lamp)).toBeUndefined();
    await store.record(lamp, { values: { state: 'OFF' } });
    expect(await store.get(lamp)).toEqual({ values: { state: 'OFF' } });
    await store.close();
    const reopened = await open(dir);
    expect(await reopened.get(lamp)).toEqual({ values: { state: 'OFF' } });
    await reopened.forget(lamp);
    await reopened.close();
    expect((await (await open(dir)).shardOnDisk(lamp))[lamp]).toBeUndefined();
  });

  it('keeps a note in the batch being gathered, across a restart and a compaction that deletes its journal', async () => {
    const dir = await tempDir();
    const store = await open(dir, { batchIntervalMs: 50 });
    const fsyncs = diskStats.fsyncs;
    const changed = store.record(lamp, { values: { brightness: 1 } });
    const noted = store.note('uplink.lastHeardAt', 1234);
    expect(store.noted('uplink.lastHeardAt')).toBe(1234);
    expect(await noted).toBe(await changed); // one record, one commit for both
    expect(diskStats.fsyncs - fsyncs).toBe(1);
    // no close: only the journal on disk
    const reopened = await open(dir);
    expect(reopened.noted('uplink.lastHeardAt')).toBe(1234);
    expect(await reopened.get(lamp)).toEqual({ values: { brightness: 1 } });
    // compacted after the restart: the segment holding the note goes, the snapshot meta keeps it
    await reopened.compact();
    const segments = (await readdir(join(dir, 'journal'))).filter((name) => name.endsWith('.log'));
    expect(segments.length).toBeLessThanOrEqual(1);
    await reopened.close();
    const again = await open(dir);
    expect(again.noted('uplink.lastHeardAt')).toBe(1234);
    // a later note wins over the snapshot's
    await again.note('uplink.lastHeardAt', 5678);
    await again.close();
    const last = await open(dir);
    expect(last.noted('uplink.lastHeardAt')).toBe(5678);
    expect(last.noted('other')).toBeUndefined();
    await last.close();
  });

  it('compacts by itself once enough devices changed', async () => {
    const store = await open(await tempDir(), { compactAfterDevices: 10 });
    for (let d = 0; d < 25; d++) await store.record(`zigbee:0x${d.toString(16).padStart(16, '0')}`, { values: { n: d } });
    await vi.waitFor(() => expect(store.compactions).toBeGreaterThanOrEqual(1));
    expect(store.tailSize).toBeLessThan(25);
    await store.close();
  });
});

describe('device state store under SIGKILL', () => {
  it('loses no acknowledged report, with compaction running, killed again and again', async () => {
    const writer = fileURLToPath(new URL('fixtures/state-writer.ts', import.meta.url));
    const dir = await tempDir();
    const acknowledged = new Map<string, number>();
    for (let kill = 0; kill < 6; kill++) {
      await LineChild.crashAfter(
        writer,
        [dir],
        (line) => {
          const [id, value] = line.split(' ') as [string, string];
          acknowledged.set(id, Math.max(acknowledged.get(id) ?? 0, Number(value)));
        },
        80,
        230,
      );
      await new Promise((resolve) => setTimeout(resolve, 2)); // a new start time, so counters keep growing
    }
    const store = await open(dir);
    expect(acknowledged.size).toBe(20);
    const lost: string[] = [];
    for (const [id, value] of acknowledged) {
      const state = await store.get(id);
      const recovered = state?.values.counter;
      if (typeof recovered !== 'number' || recovered < value) lost.push(`${id}: acknowledged ${value}, recovered ${String(recovered)}`);
    }
    expect(lost).toEqual([]);
    await store.close();
  }, 60_000);
});
