/**
 * The snapshot's shard files (`snapshot/shard-NNN.json`, a device in the shard its id hashes
 * to) and how far the snapshot goes (`snapshot/meta.json`: the journal sequence it covers and
 * each shard file's size as written). A few parsed shards are cached for activations, and a shard
 * being read is read once for everyone who asks meanwhile; a damaged shard is set aside and
 * reported, and its devices start from what the journal still knows. The meta also keeps the
 * store's notes (small hub-wide values the journal carries, see DeviceStateStore.note) as of
 * what it covers.
 */
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from 'pino';
import { z } from 'zod';
import { hashString, isPowerOfTwo } from '../collections/sharded-map.js';
import { describeError, ErrorCode, isHearthError } from '../errors.js';
import { removeStaleTemps, writeFileAtomic } from './atomic-file.js';
import { diskStats } from './disk-stats.js';
import type { DeviceState } from './device-state.js';
import { DurableJsonFile } from './durable-json-file.js';
import type { StoreDamage } from './store-damage.js';

export type SnapshotShard = Record<string, DeviceState>;

/** Parsed snapshot shards kept in memory for activations (a few: an activation reads one). */
const CACHED_SHARDS = 8;
/** The area of the damage report the device state store's findings go to. */
export const DAMAGE_AREA = 'state';

const metaSchema = z.object({
  coveredSeq: z.int().min(0),
  shardBytes: z.record(z.string(), z.int().min(0)).optional(),
  notes: z.record(z.string(), z.unknown()).optional(),
});
/** How far the snapshot goes, and each shard file's size as written (checked at start). */
type SnapshotMeta = z.infer<typeof metaSchema>;
const shardSchema = z.record(
  z.string(),
  z.object({
    values: z.record(z.string(), z.unknown()),
    lastSeen: z.number().optional(),
    availability: z.enum(['online', 'offline']).optional(),
    breaker: z.unknown().optional(),
  }),
);

export interface SnapshotShardsOptions {
  /** The store's directory; the shards live in its `snapshot/`. */
  dir: string;
  /** How many shard files (a power of two). */
  shards: number;
  log: Logger;
  damage?: StoreDamage | undefined;
  /** How many of a shard's devices changed since the snapshot (told in the log when the shard is damaged). */
  changedSince: (index: number) => number;
}

export class SnapshotShards {
  private readonly cache = new Map<number, SnapshotShard>();
  /** Shards being read: every caller that asks meanwhile waits for the one read (10,000 devices' states asked at once read each file once). */
  private readonly reading = new Map<number, Promise<SnapshotShard>>();
  private readonly dir: string;

  private constructor(
    private readonly options: SnapshotShardsOptions,
    private readonly meta: Low<SnapshotMeta>,
  ) {
    this.dir = join(options.dir, 'snapshot');
  }

  static async open(options: SnapshotShardsOptions): Promise<SnapshotShards> {
    if (!isPowerOfTwo(options.shards)) throw new RangeError(`state shards: expected a power of two, got ${options.shards}`);
    const dir = join(options.dir, 'snapshot');
    await mkdir(dir, { recursive: true });
    await removeStaleTemps(dir);
    const meta = new Low<SnapshotMeta>(new DurableJsonFile(join(dir, 'meta.json'), (value) => metaSchema.parse(value), options.log), {
      coveredSeq: 0,
    });
    await meta.read();
    return new SnapshotShards(options, meta);
  }

  /** The journal sequence the snapshot covers. */
  get coveredSeq(): number {
    return this.meta.data.coveredSeq;
  }

  /** The notes as of what the snapshot covers. */
  get notes(): Readonly<Record<string, unknown>> {
    return this.meta.data.notes ?? {};
  }

  indexOf(id: string): number {
    return hashString(id) & (this.options.shards - 1);
  }

  private path(index: number): string {
    return join(this.dir, `shard-${String(index).padStart(3, '0')}.json`);
  }

  /** The device's state in the snapshot (the cached object: copy it before changing it). */
  async stateOf(id: string): Promise<DeviceState | undefined> {
    return (await this.read(this.indexOf(id)))[id];
  }

  async read(index: number): Promise<SnapshotShard> {
    const cached = this.cache.get(index);
    if (cached !== undefined) {
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    let reading = this.reading.get(index);
    if (reading === undefined) {
      const started = this.load(index).finally(() => {
        if (this.reading.get(index) === started) this.reading.delete(index);
      });
      this.reading.set(index, (reading = started));
    }
    return reading;
  }

  private async load(index: number): Promise<SnapshotShard> {
    const path = this.path(index);
    const noted = (problem: string, action: string): void =>
      this.options.damage?.note({ kind: 'snapshot_shard', area: DAMAGE_AREA, file: path, problem, action });
    const file = new DurableJsonFile<SnapshotShard>(path, (value) => shardSchema.parse(value), this.options.log, noted);
    let shard: SnapshotShard;
    diskStats.shardReads++;
    try {
      shard = (await file.read()) ?? {};
    } catch (error) {
      if (!isHearthError(error, ErrorCode.StoreCorrupt)) throw error;
      // damage stays local: this shard's devices start from what the journal (and their radio)
      // still know, every other device from its own shard
      const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, aside);
      const devices = this.options.changedSince(index);
      this.options.log.error(
        { path, keptAs: aside, err: error },
        `snapshot shard ${path} is damaged and has no good copy: its devices start from what the journal still knows (${devices} of them changed since); kept the damaged file as ${aside}`,
      );
      noted(
        describeError(error),
        `started its devices from the journal's changes since the snapshot; the damaged file is kept as ${aside}`,
      );
      shard = {};
    }
    // a shard written while this one was being read is newer than what was read
    const written = this.cache.get(index);
    if (written !== undefined) return written;
    this.cache.set(index, shard);
    while (this.cache.size > CACHED_SHARDS) this.cache.delete(this.cache.keys().next().value as number);
    return shard;
  }

  /** Writes a shard (atomically, the previous file kept until the new one is whole) and caches it. */
  async write(index: number, shard: SnapshotShard): Promise<number> {
    const text = JSON.stringify(shard);
    await writeFileAtomic(this.path(index), text, { keepPrevious: true });
    this.cache.set(index, shard);
    return Buffer.byteLength(text);
  }

  /** Records how far the snapshot now goes, with the sizes of the shards written for it and the notes written up to there. */
  async cover(coveredSeq: number, written: ReadonlyMap<number, number>, notes: Readonly<Record<string, unknown>> = {}): Promise<void> {
    const shardBytes = { ...this.meta.data.shardBytes };
    for (const [index, bytes] of written) shardBytes[index] = bytes;
    const allNotes = { ...this.meta.data.notes, ...notes };
    this.meta.data = { coveredSeq, shardBytes, ...(Object.keys(allNotes).length === 0 ? {} : { notes: allNotes }) };
    await this.meta.write();
  }

  /**
   * Looks at every snapshot shard file at start, so a cut-short one (a torn or half-written
   * file) is found, reported and set aside before the hub says it is ready rather than when a
   * device in it wakes up. The look is cheap: its size against the size the snapshot meta
   * recorded when it was written (a shard written before sizes were recorded: its first and last
   * bytes); any other damage inside a shard is found when it is read.
   */
  async check(): Promise<void> {
    for (let index = 0; index < this.options.shards; index++) {
      let handle: FileHandle;
      try {
        handle = await open(this.path(index), 'r');
      } catch {
        continue; // no shard yet (or unreadable: reading it for a device says so)
      }
      let whole: boolean;
      try {
        const { size } = await handle.stat();
        const first = Buffer.alloc(1);
        const last = Buffer.alloc(1);
        await handle.read(first, 0, 1, 0);
        await handle.read(last, 0, 1, Math.max(0, size - 1));
        const recorded = this.meta.data.shardBytes?.[String(index)];
        whole = recorded === undefined ? size >= 2 && first[0] === 0x7b && last[0] === 0x7d : size === recorded;
      } finally {
        await handle.close();
      }
      if (!whole) {
        this.cache.delete(index);
        await this.read(index);
      }
    }
  }

  /** A shard file as it is on disk (for tests). */
  async onDisk(id: string): Promise<SnapshotShard> {
    try {
      return JSON.parse(await readFile(this.path(this.indexOf(id)), 'utf8')) as SnapshotShard;
    } catch {
      return {};
    }
  }
}
