/**
 * Device state, event-sourced: every change (new values, last seen, availability, the state of
 * the device's circuit breaker) is appended
 * to the journal, group-committed, and acknowledged once on disk. The changes of one batch are
 * folded per device into one record, written with the batch. Changes since the last
 * snapshot are folded in memory (the tail); compaction writes them into snapshot shard files
 * (`snapshot/shard-NNN.json`, only the shards that changed), records the sequence number the
 * snapshot covers (`snapshot/meta.json`), and deletes the journal segments it covers.
 * Recovery = snapshot + the journal records after it. A device's state is read on demand
 * (its actor's activation): from the tail, else from its snapshot shard (a few parsed shards
 * are cached), so memory holds only what changed recently.
 */
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from 'pino';
import { z } from 'zod';
import { hashString, isPowerOfTwo } from '../collections/sharded-map.js';
import { describeError, ErrorCode, isHearthError } from '../errors.js';
import { removeStaleTemps, writeFileAtomic } from './atomic-file.js';
import { DurableJsonFile } from './durable-json-file.js';
import { Journal, type RecoveryReport } from './journal.js';
import type { StoreDamage } from './store-damage.js';

export type Availability = 'online' | 'offline';

export interface DeviceState {
  values: Record<string, unknown>;
  /** Milliseconds since the epoch of the last message from the device. */
  lastSeen?: number;
  availability?: Availability;
  /** The device's circuit breaker, serialised (src/resilience/device-breaker.ts); absent or null while closed. */
  breaker?: unknown;
}

export interface StateChange {
  values?: Record<string, unknown>;
  lastSeen?: number;
  availability?: Availability;
  /** The breaker's new state; null: closed again, forget it. */
  breaker?: unknown;
}

/** A device's change, with short keys. */
interface Entry {
  d: string;
  v?: Record<string, unknown>;
  t?: number;
  a?: Availability;
  /** The breaker (null: closed). */
  k?: unknown;
  /** The device was removed. */
  x?: 1;
}

/** A journal record: one change (as older versions wrote, and removals) or a batch's, folded per device. */
type JournalEntry = Entry | { b: Entry[] };

const ignore = (): void => undefined;
/** Parsed snapshot shards kept in memory for activations (a few: an activation reads one). */
const CACHED_SHARDS = 8;
/** The area of the damage report the device state store's findings go to. */
const DAMAGE_AREA = 'state';

/** What changed for one device since the snapshot, folded; applied over the snapshot on read. */
interface TailEntry {
  delta: DeviceState;
  /** The snapshot's state no longer counts (the device was removed, maybe re-added since). */
  reset: boolean;
  removed: boolean;
  /** The journal record of the last change. */
  seq: number;
}

function applyChange(tail: Map<string, TailEntry>, id: string, change: StateChange, seq: number): void {
  const entry = tail.get(id);
  tail.set(id, { delta: fold(entry?.delta, change), reset: entry?.reset ?? false, removed: false, seq });
}

function applyRemoval(tail: Map<string, TailEntry>, id: string, seq: number): void {
  tail.set(id, { delta: { values: {} }, reset: true, removed: true, seq });
}

type SnapshotShard = Record<string, DeviceState>;

interface Batch {
  changes: Map<string, Entry>;
  /** The record's sequence number. */
  seq: number;
  written: Promise<number>;
}

const metaSchema = z.object({ coveredSeq: z.int().min(0), shardBytes: z.record(z.string(), z.int().min(0)).optional() });
/** How far the snapshot goes, and each shard file's size as written (checked at start). */
type SnapshotMeta = z.infer<typeof metaSchema>;
const shardSchema = z.record(z.string(), z.object({ values: z.record(z.string(), z.unknown()), lastSeen: z.number().optional(), availability: z.enum(['online', 'offline']).optional(), breaker: z.unknown().optional() }));

export interface DeviceStateStoreOptions {
  dir: string;
  log: Logger;
  /** Snapshot shard files (a power of two): `store.stateShards`. */
  shards: number;
  /** `store.journalBatchMs`. */
  batchIntervalMs: number;
  /** Compact once this many devices have changed since the last snapshot: `store.compactAfterDevices`. */
  compactAfterDevices: number;
  /** And at least this often while anything changed (0: only by count and on close): `store.compactIntervalMs`. */
  compactIntervalMs: number;
  /** Where damage found on disk is reported (area "state"). */
  damage?: StoreDamage;
}

function fold(state: DeviceState | undefined, change: StateChange): DeviceState {
  const next: DeviceState = { values: { ...(state?.values ?? {}), ...(change.values ?? {}) } };
  const lastSeen = change.lastSeen ?? state?.lastSeen;
  const availability = change.availability ?? state?.availability;
  if (lastSeen !== undefined) next.lastSeen = lastSeen;
  if (availability !== undefined) next.availability = availability;
  const breaker = change.breaker === undefined ? state?.breaker : change.breaker;
  // null (closed again) is kept, so that a tail's null still overrides the snapshot's breaker
  if (breaker !== undefined) next.breaker = breaker;
  return next;
}

export class DeviceStateStore {
  private readonly cache = new Map<number, SnapshotShard>();
  private readonly shards: number;
  private readonly snapshotDir: string;
  private readonly meta: Low<SnapshotMeta>;
  private compacting: Promise<void> | undefined;
  /** The open batch record: this batch's changes, folded per device. */
  private batch: Batch | undefined;
  private timer: NodeJS.Timeout | undefined;
  compactions = 0;

  private constructor(
    private readonly options: DeviceStateStoreOptions,
    private readonly journal: Journal<JournalEntry>,
    meta: Low<SnapshotMeta>,
    readonly recovery: RecoveryReport,
    /** What changed per device since the snapshot, as recovered from the journal. */
    private readonly tail: Map<string, TailEntry>,
  ) {
    this.shards = options.shards;
    this.snapshotDir = join(options.dir, 'snapshot');
    this.meta = meta;
  }

  static async open(options: DeviceStateStoreOptions): Promise<DeviceStateStore> {
    const { shards } = options;
    if (!isPowerOfTwo(shards)) throw new RangeError(`state shards: expected a power of two, got ${shards}`);
    const snapshotDir = join(options.dir, 'snapshot');
    await mkdir(snapshotDir, { recursive: true });
    await removeStaleTemps(snapshotDir);
    const meta = new Low<SnapshotMeta>(new DurableJsonFile(join(snapshotDir, 'meta.json'), (value) => metaSchema.parse(value), options.log), { coveredSeq: 0 });
    await meta.read();
    const covered = meta.data.coveredSeq;
    const tail = new Map<string, TailEntry>();
    const replay = (seq: number, entry: Entry): void => {
      if (entry.x === 1) applyRemoval(tail, entry.d, seq);
      else applyChange(tail, entry.d, { ...(entry.v === undefined ? {} : { values: entry.v }), ...(entry.t === undefined ? {} : { lastSeen: entry.t }), ...(entry.a === undefined ? {} : { availability: entry.a }), ...(entry.k === undefined ? {} : { breaker: entry.k }) }, seq);
    };
    const { journal, report } = await Journal.open<JournalEntry>(
      { dir: join(options.dir, 'journal'), log: options.log, afterSeq: covered, batchIntervalMs: options.batchIntervalMs },
      (seq, entry) => {
        if (seq <= covered) return;
        if ('b' in entry) for (const change of entry.b) replay(seq, change);
        else replay(seq, entry);
      },
    );
    options.damage?.noteJournal(DAMAGE_AREA, report);
    const store = new DeviceStateStore(options, journal, meta, report, tail);
    await store.checkShards();
    if (options.compactIntervalMs > 0) {
      store.timer = setInterval(() => {
        if (store.tail.size > 0) void store.compact().catch((error: unknown) => options.log.error({ err: error }, `state compaction failed: ${describeError(error)}`));
      }, options.compactIntervalMs);
      store.timer.unref();
    }
    return store;
  }

  private shardIndex(id: string): number {
    return hashString(id) & (this.shards - 1);
  }

  private shardPath(index: number): string {
    return join(this.snapshotDir, `shard-${String(index).padStart(3, '0')}.json`);
  }

  private async readShard(index: number): Promise<SnapshotShard> {
    const cached = this.cache.get(index);
    if (cached !== undefined) {
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    const path = this.shardPath(index);
    const noted = (problem: string, action: string): void => this.options.damage?.note({ kind: 'snapshot_shard', area: DAMAGE_AREA, file: path, problem, action });
    const file = new DurableJsonFile<SnapshotShard>(path, (value) => shardSchema.parse(value), this.options.log, noted);
    let shard: SnapshotShard;
    try {
      shard = (await file.read()) ?? {};
    } catch (error) {
      if (!isHearthError(error, ErrorCode.StoreCorrupt)) throw error;
      // damage stays local: this shard's devices start from what the journal (and their radio)
      // still know, every other device from its own shard
      const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, aside);
      const devices = [...this.tail.keys()].filter((id) => this.shardIndex(id) === index).length;
      this.options.log.error({ path, keptAs: aside, err: error }, `snapshot shard ${path} is damaged and has no good copy: its devices start from what the journal still knows (${devices} of them changed since); kept the damaged file as ${aside}`);
      noted(describeError(error), `started its devices from the journal's changes since the snapshot; the damaged file is kept as ${aside}`);
      shard = {};
    }
    this.cache.set(index, shard);
    while (this.cache.size > CACHED_SHARDS) this.cache.delete(this.cache.keys().next().value as number);
    return shard;
  }

  /**
   * Looks at every snapshot shard file at start, so a cut-short one (a torn or half-written
   * file) is found, reported and set aside before the hub says it is ready rather than when a
   * device in it wakes up. The look is cheap: its size against the size the snapshot meta
   * recorded when it was written (a shard written before sizes were recorded: its first and last
   * bytes); any other damage inside a shard is found when it is read.
   */
  private async checkShards(): Promise<void> {
    for (let index = 0; index < this.shards; index++) {
      let handle: FileHandle;
      try {
        handle = await open(this.shardPath(index), 'r');
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
        await this.readShard(index);
      }
    }
  }

  private async fromSnapshot(id: string): Promise<DeviceState | undefined> {
    return (await this.readShard(this.shardIndex(id)))[id];
  }

  /** The device's last state, or undefined when it never reported. */
  async get(id: string): Promise<DeviceState | undefined> {
    const entry = this.tail.get(id);
    if (entry === undefined) {
      const snapshot = await this.fromSnapshot(id);
      return snapshot === undefined ? undefined : fold(undefined, snapshot); // a copy: the cache stays as read
    }
    if (entry.removed) return undefined;
    return fold(entry.reset ? undefined : await this.fromSnapshot(id), entry.delta);
  }

  /**
   * Records a change. It counts at once for `get`; the promise resolves with the record's
   * sequence number once it is on disk (group-committed).
   */
  record(id: string, change: StateChange): Promise<number> {
    const batch = this.batch ?? this.openBatch();
    let entry = batch.changes.get(id);
    if (entry === undefined) batch.changes.set(id, (entry = { d: id }));
    if (change.values !== undefined) entry.v = entry.v === undefined ? { ...change.values } : Object.assign(entry.v, change.values);
    if (change.lastSeen !== undefined) entry.t = change.lastSeen;
    if (change.availability !== undefined) entry.a = change.availability;
    if (change.breaker !== undefined) entry.k = change.breaker;
    applyChange(this.tail, id, change, batch.seq);
    this.maybeCompact();
    return batch.written;
  }

  /** Starts the record that gathers this batch's changes; it is produced when the batch is written. */
  private openBatch(): Batch {
    const changes = new Map<string, Entry>();
    const seq = this.journal.nextSequence;
    const written = this.journal.appendLater(() => {
      if (this.batch?.changes === changes) this.batch = undefined;
      return changes.size === 0 ? undefined : { b: [...changes.values()] };
    });
    written.catch(ignore); // the journal logs a failed write; callers may still await it
    this.batch = { changes, seq, written };
    return this.batch;
  }

  /** Later changes go into a record of their own, after whatever is appended next. */
  private sealBatch(): void {
    this.batch = undefined;
  }

  /** Forgets a device's state (the device was removed). */
  forget(id: string): Promise<number> {
    this.sealBatch(); // the removal comes after the changes before it, before those after it
    applyRemoval(this.tail, id, this.journal.nextSequence);
    return this.journal.append({ d: id, x: 1 });
  }

  private maybeCompact(): void {
    if (this.compacting === undefined && this.tail.size >= this.options.compactAfterDevices) {
      void this.compact().catch((error: unknown) => this.options.log.error({ err: error }, `state compaction failed: ${describeError(error)}`));
    }
  }

  /**
   * Folds the tail into the snapshot shards it touches, records how far the snapshot goes,
   * and deletes the journal segments it covers. Changes that arrive meanwhile stay in the tail.
   */
  compact(): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    await this.journal.roll();
    // a batch opened during the roll has a number the snapshot covers: later changes must not join it
    this.sealBatch();
    const covered = this.journal.nextSequence - 1;
    const byShard = new Map<number, [string, TailEntry][]>();
    for (const [id, entry] of this.tail) {
      if (entry.seq > covered) continue;
      const index = this.shardIndex(id);
      let list = byShard.get(index);
      if (list === undefined) byShard.set(index, (list = []));
      list.push([id, entry]);
    }
    const shardBytes = { ...this.meta.data.shardBytes };
    for (const [index, entries] of byShard) {
      const shard = { ...(await this.readShard(index)) };
      for (const [id, entry] of entries) {
        if (entry.removed) delete shard[id];
        else shard[id] = fold(entry.reset ? undefined : shard[id], entry.delta);
      }
      const text = JSON.stringify(shard);
      await writeFileAtomic(this.shardPath(index), text, { keepPrevious: true });
      shardBytes[index] = Buffer.byteLength(text);
      this.cache.set(index, shard);
    }
    this.meta.data = { coveredSeq: covered, shardBytes };
    await this.meta.write();
    await this.journal.compact(covered);
    for (const entries of byShard.values()) {
      for (const [id, entry] of entries) if (this.tail.get(id) === entry) this.tail.delete(id);
    }
    this.compactions++;
  }

  /** Commits the journal's pending records now. */
  flushJournal(): Promise<void> {
    return this.journal.flush();
  }

  /** Devices changed since the last snapshot. */
  get tailSize(): number {
    return this.tail.size;
  }

  /** Commits what is pending, compacts, and closes the journal. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.journal.flush();
    if (this.tail.size > 0) await this.compact();
    await this.journal.close();
  }

  /** Reads a shard file as it is on disk (for tests). */
  async shardOnDisk(id: string): Promise<SnapshotShard> {
    try {
      return JSON.parse(await readFile(this.shardPath(this.shardIndex(id)), 'utf8')) as SnapshotShard;
    } catch {
      return {};
    }
  }
}
