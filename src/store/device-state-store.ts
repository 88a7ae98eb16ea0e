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
 *
 * Notes: a few small hub-wide values (when the hub last heard from the broker) ride in the
 * batch record (`n`), so keeping one costs no file of its own and, while devices report, no
 * commit of its own either; compaction keeps the latest in the snapshot meta.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { fold, type Availability, type DeviceState, type StateChange } from './device-state.js';
import { Journal, type RecoveryReport } from './journal.js';
import { DAMAGE_AREA, SnapshotShards, type SnapshotShard } from './snapshot-shards.js';
import type { StoreDamage } from './store-damage.js';

export type { Availability, DeviceState, StateChange } from './device-state.js';

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

/** A journal record: one change (as older versions wrote, and removals) or a batch's, folded per device, with the notes given meanwhile. */
type JournalEntry = Entry | { b: Entry[]; n?: Record<string, unknown> };

const ignore = (): void => undefined;

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

interface Batch {
  changes: Map<string, Entry>;
  /** Notes given since the batch opened. */
  notes?: Record<string, unknown>;
  /** The record's sequence number. */
  seq: number;
  written: Promise<number>;
}

export interface DeviceStateStoreOptions {
  dir: string;
  log: Logger;
  /** Snapshot shard files (a power of two): `store.stateShards`. */
  shards: number;
  /** How long changes gather before a commit: `store.journalBatchMs`, else `store.maxLossMs`. */
  batchIntervalMs: number;
  /** `store.maxLossMs`: a change is on disk within it (the gathering is cut short when commits are slow). */
  maxLossMs?: number;
  /** `store.directWrites`: the journal's segments written with O_DIRECT where the file system allows. */
  directWrites?: boolean;
  /** Compact once this many devices have changed since the last snapshot: `store.compactAfterDevices`. */
  compactAfterDevices: number;
  /** And at least this often while anything changed (0: only by count and on close): `store.compactIntervalMs`. */
  compactIntervalMs: number;
  /** Where damage found on disk is reported (area "state"). */
  damage?: StoreDamage;
}

export class DeviceStateStore {
  private compacting: Promise<void> | undefined;
  /** The open batch record: this batch's changes, folded per device. */
  private batch: Batch | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Notes written to the journal since the snapshot: the snapshot meta takes them at compaction. */
  private writtenNotes: Record<string, unknown> = {};
  compactions = 0;

  private constructor(
    private readonly options: DeviceStateStoreOptions,
    private readonly journal: Journal<JournalEntry>,
    private readonly snapshot: SnapshotShards,
    readonly recovery: RecoveryReport,
    /** What changed per device since the snapshot, as recovered from the journal. */
    private readonly tail: Map<string, TailEntry>,
    /** The latest value of each note: the snapshot's, then the journal's, then what was noted since. */
    private readonly notes: Map<string, unknown>,
  ) {}

  static async open(options: DeviceStateStoreOptions): Promise<DeviceStateStore> {
    const tail = new Map<string, TailEntry>();
    const notes = new Map<string, unknown>();
    const journalNotes: Record<string, unknown> = {};
    const snapshot = await SnapshotShards.open({
      dir: options.dir,
      shards: options.shards,
      log: options.log,
      damage: options.damage,
      changedSince: (index) => [...tail.keys()].filter((id) => snapshot.indexOf(id) === index).length,
    });
    const covered = snapshot.coveredSeq;
    for (const [key, value] of Object.entries(snapshot.notes)) notes.set(key, value);
    const replay = (seq: number, entry: Entry): void => {
      if (entry.x === 1) applyRemoval(tail, entry.d, seq);
      else
        applyChange(
          tail,
          entry.d,
          {
            ...(entry.v === undefined ? {} : { values: entry.v }),
            ...(entry.t === undefined ? {} : { lastSeen: entry.t }),
            ...(entry.a === undefined ? {} : { availability: entry.a }),
            ...(entry.k === undefined ? {} : { breaker: entry.k }),
          },
          seq,
        );
    };
    const { journal, report } = await Journal.open<JournalEntry>(
      {
        dir: join(options.dir, 'journal'),
        log: options.log,
        afterSeq: covered,
        batchIntervalMs: options.batchIntervalMs,
        ...(options.maxLossMs === undefined ? {} : { maxLossMs: options.maxLossMs }),
        directWrites: options.directWrites,
      },
      (seq, entry) => {
        if (seq <= covered) return;
        if ('b' in entry) {
          for (const change of entry.b) replay(seq, change);
          for (const [key, value] of Object.entries(entry.n ?? {})) {
            notes.set(key, value);
            journalNotes[key] = value;
          }
        } else replay(seq, entry);
      },
    );
    options.damage?.noteJournal(DAMAGE_AREA, report);
    const store = new DeviceStateStore(options, journal, snapshot, report, tail, notes);
    store.writtenNotes = journalNotes; // in segments the next compaction deletes: the snapshot meta must take them
    await snapshot.check();
    if (options.compactIntervalMs > 0) {
      store.timer = setInterval(() => {
        if (store.tail.size > 0)
          void store
            .compact()
            .catch((error: unknown) => options.log.error({ err: error }, `state compaction failed: ${describeError(error)}`));
      }, options.compactIntervalMs);
      store.timer.unref();
    }
    return store;
  }

  /**
   * `items` in the order their states are best read in (their snapshot shard's): reading every
   * device's state that way reads each shard file once, not once per device (a few are cached).
   */
  inReadingOrder<T extends { id: string }>(items: readonly T[]): T[] {
    return items
      .map((item) => ({ item, shard: this.snapshot.indexOf(item.id) }))
      .sort((a, b) => a.shard - b.shard)
      .map(({ item }) => item);
  }

  /** The device's last state, or undefined when it never reported. */
  async get(id: string): Promise<DeviceState | undefined> {
    const entry = this.tail.get(id);
    if (entry === undefined) {
      const snapshot = await this.snapshot.stateOf(id);
      return snapshot === undefined ? undefined : fold(undefined, snapshot); // a copy: the cache stays as read
    }
    if (entry.removed) return undefined;
    return fold(entry.reset ? undefined : await this.snapshot.stateOf(id), entry.delta);
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

  /**
   * Keeps a small hub-wide value (a note) in the journal, with the batch being gathered: the
   * promise resolves once it is on disk. `noted` has it at once, and after a restart.
   */
  note(key: string, value: unknown): Promise<number> {
    const batch = this.batch ?? this.openBatch();
    (batch.notes ??= {})[key] = value;
    this.notes.set(key, value);
    return batch.written;
  }

  /** A note's latest value (undefined when never noted). */
  noted(key: string): unknown {
    return this.notes.get(key);
  }

  /** Starts the record that gathers this batch's changes; it is produced when the batch is written. */
  private openBatch(): Batch {
    const changes = new Map<string, Entry>();
    const seq = this.journal.nextSequence;
    const written = this.journal.appendLater(() => {
      if (this.batch === batch) this.batch = undefined;
      const notes = batch.notes;
      if (notes !== undefined) Object.assign(this.writtenNotes, notes);
      if (changes.size === 0 && notes === undefined) return undefined;
      return { b: [...changes.values()], ...(notes === undefined ? {} : { n: notes }) };
    });
    written.catch(ignore); // the journal logs a failed write; callers may still await it
    const batch: Batch = { changes, seq, written };
    this.batch = batch;
    return batch;
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
      void this.compact().catch((error: unknown) =>
        this.options.log.error({ err: error }, `state compaction failed: ${describeError(error)}`),
      );
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
    // the notes the rolled records hold, for the snapshot meta (kept for the next compaction until it is written)
    const notes = { ...this.writtenNotes };
    const byShard = new Map<number, [string, TailEntry][]>();
    for (const [id, entry] of this.tail) {
      if (entry.seq > covered) continue;
      const index = this.snapshot.indexOf(id);
      let list = byShard.get(index);
      if (list === undefined) byShard.set(index, (list = []));
      list.push([id, entry]);
    }
    const written = new Map<number, number>();
    for (const [index, entries] of byShard) {
      const shard: SnapshotShard = { ...(await this.snapshot.read(index)) };
      for (const [id, entry] of entries) {
        if (entry.removed) delete shard[id];
        else shard[id] = fold(entry.reset ? undefined : shard[id], entry.delta);
      }
      written.set(index, await this.snapshot.write(index, shard));
    }
    await this.snapshot.cover(covered, written, notes);
    for (const [key, value] of Object.entries(notes)) if (this.writtenNotes[key] === value) delete this.writtenNotes[key];
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
  shardOnDisk(id: string): Promise<SnapshotShard> {
    return this.snapshot.onDisk(id);
  }
}
