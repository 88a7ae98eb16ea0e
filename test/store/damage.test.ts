/**
 * Damage on disk stays local and is reported: a flipped byte in the first, a middle or the
 * last record of the state journal and of the outbox journal, half a snapshot shard, half a
 * registry shard. Each time the hub (its devices part and uplink bridge, on the real store)
 * starts, keeps every record and device outside the damaged part, and says so in the log (warn
 * or worse), in its health (degraded, naming the file) and in /metrics.
 */
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeviceStateStore } from '../../src/store/device-state-store.js';
import { Outbox } from '../../src/uplink/outbox.js';
import { capturingLog } from '../actors/support.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { stateStoreOptions } from '../support/config-defaults.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
const ids = Array.from({ length: 5 }, (_, i) => `zigbee:0x00158d00000000${String(i).padStart(2, '0')}`);
const STATE_SHARDS = 4;

async function startHub(stateDir: string) {
  const { log, lines } = capturingLog();
  const metrics = new Registry();
  const hub = await startBridgedHub(
    {
      hubId: 'dmg',
      stateDir,
      uplink: { port: await freePort(), startupWaitMs: 0, healthIntervalS: 0 },
      homeassistant: { enabled: false },
      store: { journalBatchMs: 5, stateShards: STATE_SHARDS },
    },
    { log, metrics },
  );
  onTestFinished(() => hub.stop());
  const metric = async (name: string, label?: string): Promise<number> => {
    const found = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (found?.values ?? []) as { value: number; labels: Record<string, string> }[];
    return values.filter((v) => label === undefined || v.labels.kind === label).reduce((sum, v) => sum + v.value, 0);
  };
  const warned = (file: string): boolean => lines.some((line) => Number(line.level) >= 40 && JSON.stringify(line).includes(file));
  return { ...hub, metric, warned };
}

/** A state directory with five registered devices, each its own record in a journal segment. */
async function seeded(): Promise<string> {
  const stateDir = await tempDir();
  const hub = await startHub(stateDir);
  ids.forEach((id, i) => hub.devices.addDevice({ id, friendlyName: `sensor${i}`, radio: 'zigbee' }));
  await hub.stop();
  const store = await DeviceStateStore.open(
    stateStoreOptions(join(stateDir, 'state'), silent, { shards: STATE_SHARDS, batchIntervalMs: 1, compactIntervalMs: 0 }),
  );
  for (const [i, id] of ids.entries()) await store.record(id, { values: { n: i } });
  // not closed (that would fold the journal into the snapshot): as a crash leaves it, only its file let go
  await store.flushJournal();
  await (store as unknown as { journal: { close(): Promise<void> } }).journal.close();
  const outbox = await Outbox.open({ dir: join(stateDir, 'outbox'), log: silent, maxBytes: 1_000_000, batchIntervalMs: 1 });
  for (let i = 0; i < 5; i++)
    await outbox.enqueue({
      topic: `hearth/dmg/sensor${i}`,
      payload: JSON.stringify({ action: 'single', n: i }),
      retain: false,
      kind: 'event',
    });
  await outbox.close();
  return stateDir;
}

/** Flips a byte inside the payload of record `index` of the journal's newest segment with that many records. */
async function flipRecord(dir: string, index: number): Promise<string> {
  for (const name of (await readdir(dir))
    .filter((n) => n.endsWith('.log'))
    .sort()
    .reverse()) {
    const path = join(dir, name);
    const bytes = await readFile(path);
    const starts: number[] = [];
    for (let offset = 0; offset + 8 <= bytes.length; offset += 8 + bytes.readUInt32LE(offset)) starts.push(offset);
    if (starts.length <= index) continue;
    const at = (starts[index] as number) + 12;
    bytes[at] = (bytes[at] ?? 0) ^ 0x5a;
    await writeFile(path, bytes);
    return path;
  }
  throw new Error(`no segment in ${dir} with ${index + 1} records`);
}

describe('damage on disk', () => {
  for (const [label, index] of [
    ['first', 0],
    ['middle', 2],
    ['last', 4],
  ] as const) {
    it(`a flipped byte in the ${label} record of the state journal costs that record only, reported`, async () => {
      const stateDir = await seeded();
      const file = await flipRecord(join(stateDir, 'state/journal'), index);
      const hub = await startHub(stateDir);
      for (const [i, id] of ids.entries()) expect((await hub.devices.state.get(id))?.values.n, id).toBe(i === index ? undefined : i);
      const health = hub.devices.health();
      expect(health.status).toBe('degraded');
      expect(String(health.detail)).toContain(file);
      expect(await hub.metric('hearth_store_journal_corrupt_records_at_start')).toBe(1);
      expect(await hub.metric('hearth_store_damaged_files', 'journal')).toBe(1);
      expect(hub.warned(file)).toBe(true);
    });

    it(`a flipped byte in the ${label} record of the outbox journal costs that message only, reported`, async () => {
      const stateDir = await seeded();
      const file = await flipRecord(join(stateDir, 'outbox'), index);
      const hub = await startHub(stateDir);
      const kept = hub.bridge.outbox
        .pending()
        .filter((m) => m.payload.includes('"action"'))
        .map((m) => (JSON.parse(m.payload) as { n: number }).n);
      expect(kept).toEqual([0, 1, 2, 3, 4].filter((n) => n !== index));
      const health = hub.bridge.health();
      expect(health.status).toBe('degraded');
      expect(String(health.detail)).toContain(file);
      expect(hub.devices.health().status).toBe('ok'); // the state is fine
      expect(await hub.metric('hearth_store_journal_corrupt_records_at_start')).toBe(1);
      expect(await hub.metric('hearth_store_damaged_files', 'journal')).toBe(1);
      expect(hub.warned(file)).toBe(true);
    });
  }

  it('half a snapshot shard costs only its devices, which start from what the journal still knows', async () => {
    const stateDir = await seeded();
    // a clean stop folds everything into the snapshot shards
    const store = await DeviceStateStore.open(
      stateStoreOptions(join(stateDir, 'state'), silent, { shards: STATE_SHARDS, batchIntervalMs: 1, compactIntervalMs: 0 }),
    );
    await store.close();
    const shardOf = async (id: string): Promise<string> => {
      for (const name of (await readdir(join(stateDir, 'state/snapshot'))).filter((n) => /^shard-\d+\.json$/.test(n))) {
        if ((await readFile(join(stateDir, 'state/snapshot', name), 'utf8')).includes(id)) return join(stateDir, 'state/snapshot', name);
      }
      throw new Error(`no shard holds ${id}`);
    };
    const file = await shardOf(ids[0] as string);
    const inShard = [];
    for (const id of ids) if ((await shardOf(id)) === file) inShard.push(id);
    // one of its devices changed after the snapshot: the journal knows that much
    const later = await DeviceStateStore.open(
      stateStoreOptions(join(stateDir, 'state'), silent, { shards: STATE_SHARDS, batchIntervalMs: 1, compactIntervalMs: 0 }),
    );
    await later.record(ids[0] as string, { values: { n: 100 } });
    await later.flushJournal();
    await (later as unknown as { journal: { close(): Promise<void> } }).journal.close();
    await truncate(file, Math.floor((await readFile(file)).length / 2));
    await Promise.all(
      (await readdir(join(stateDir, 'state/snapshot')))
        .filter((n) => n.endsWith('.prev'))
        .map((n) => truncate(join(stateDir, 'state/snapshot', n), 0)),
    );

    const hub = await startHub(stateDir);
    // found at start, before any of its devices is read
    const health = hub.devices.health();
    expect(health.status).toBe('degraded');
    expect(String(health.detail)).toContain(file);
    for (const [i, id] of ids.entries()) {
      const expected = id === ids[0] ? 100 : inShard.includes(id) ? undefined : i;
      expect((await hub.devices.state.get(id))?.values.n, id).toBe(expected);
    }
    expect(hub.devices.records().length).toBe(ids.length);
    expect(await hub.metric('hearth_store_damaged_files', 'snapshot_shard')).toBe(1);
    expect(hub.warned(file)).toBe(true);
  });

  it('half a registry shard: the hub starts from its good copy, saying so', async () => {
    const stateDir = await seeded();
    const dir = join(stateDir, 'registry');
    const shards = (await readdir(dir)).filter((n) => /^shard-\d+\.json$/.test(n));
    const file = join(dir, shards[0] as string);
    await truncate(file, Math.floor((await readFile(file)).length / 2));
    const hub = await startHub(stateDir);
    expect(
      hub.devices
        .records()
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ids].sort());
    const health = hub.devices.health();
    expect(health.status).toBe('degraded');
    expect(String(health.detail)).toContain(file);
    expect(await hub.metric('hearth_store_damaged_files', 'document')).toBe(1);
    expect(hub.warned(file)).toBe(true);
  });
  it("an older version's actor snapshots journal, damaged too, is left alone: not read, not reported, not deleted", async () => {
    const stateDir = await tempDir();
    const journalDir = join(stateDir, 'snapshots', 'journal');
    await mkdir(journalDir, { recursive: true });
    const segment = join(journalDir, 'segment-0000000000000001.log');
    const bytes = Buffer.from('\u0000\u0000\u0000\u0010not a record at all, torn');
    await writeFile(segment, bytes);
    const hub = await startHub(stateDir);
    expect(Object.keys(hub.hub.health().parts)).not.toContain('snapshots');
    for (const [name, health] of Object.entries(hub.hub.health().parts)) expect(health.damaged, name).toBeUndefined();
    expect(await hub.metric('hearth_store_journal_corrupt_records_at_start')).toBe(0);
    await hub.stop();
    expect(await readFile(segment)).toEqual(bytes);
    expect(await readdir(journalDir)).toEqual(['segment-0000000000000001.log']);
  });
});
