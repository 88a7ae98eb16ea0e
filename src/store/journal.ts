/**
 * The journal: an append-only log of entries (device state changes) in segment files, each
 * record framed as [length u32][crc32 u32][JSON of [seq, entry]]. Appends are group-committed:
 * records gather for `batchIntervalMs` (cut short when recent commits were slow, so that an
 * append is on disk within `maxLossMs`), then one write and one fdatasync cover the batch, and
 * every append in it resolves (is acknowledged) only then. A deferred append (`appendLater`)
 * takes its place and sequence number at once but produces its entry only when the batch is
 * written, so a caller can keep adding to one record until then, or find it has nothing left
 * to say (a batch with nothing in it is neither written nor synced). Sequence numbers only grow,
 * across process lifetimes too: a new life numbers above every record read, every segment's
 * first number and what the caller says a snapshot covers (`afterSeq`).
 *
 * Recovery reads every segment in order. Damage stays local: a bad record (oversized, failing
 * its checksum, unreadable) with good records after it is skipped, by its framing or by finding
 * the next record that checks out, and everything after it is kept; the segment is rewritten
 * without it and the damaged file kept aside. A torn end (what a power cut leaves) is cut off.
 * Both are counted and logged, and listed in the recovery report. Segments a snapshot covers
 * are deleted by `compact`.
 */
import { mkdir, readdir, readFile, rename, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ErrorCode, HearthError } from '../errors.js';
import { fsyncDirectory, writeFileAtomic } from './atomic-file.js';
import { diskStats } from './disk-stats.js';
import { decodeSegment, encodeRecord, type SegmentDamage } from './journal-records.js';
import { SegmentFile } from './segment-file.js';

export { decodeSegment, encodeRecord, type SegmentDamage } from './journal-records.js';

const SEGMENT_PATTERN = /^segment-(\d{16})\.log$/;
/** Kept free of the loss bound for a timer that fires late (a busy event loop). */
const TIMER_SLACK_MS = 50;
/** The size past which a segment is closed: a constant of the format, not a tunable. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

export interface JournalOptions {
  dir: string;
  log: Logger;
  /** How long appends gather before one write and one fsync commit them (the caller's config). */
  batchIntervalMs: number;
  /**
   * The bound an append waits for its commit at most (`store.maxLossMs`): the gathering is cut
   * short by what recent commits took, so an append is on disk within the bound on a slow card too.
   */
  maxLossMs?: number | undefined;
  /**
   * Before a commit its batch's timer starts (not a flush, roll or close), waits for `wait` but
   * at most `graceMs` (taken from the gathering, so the bound holds): the outbox waits there for
   * acknowledgements on their way, so a message the broker is about to acknowledge costs no write.
   */
  beforeTimedCommit?: { wait: () => Promise<void>; graceMs: number } | undefined;
  /** Segments written with O_DIRECT where the file system allows (`store.directWrites`; segment-file.ts); true unless given. */
  directWrites?: boolean | undefined;
  /** A segment past this size is closed and a new one started; SEGMENT_BYTES unless a test wants small ones. */
  segmentBytes?: number;
  /**
   * Sequence numbers up to here were handed out already (a snapshot covers them, and their
   * records may be gone): new appends are numbered above it.
   */
  afterSeq?: number;
}

export interface RecoveryReport {
  /** Records read back. */
  records: number;
  /** Torn or corrupt records (or stretches) found: skipped, or cut off at the end. */
  corrupt: number;
  /** The highest sequence number read, 0 when none. */
  lastSeq: number;
  /** The segments that had any, and what was found. */
  damaged: JournalDamage[];
}

export interface JournalDamage {
  path: string;
  problems: SegmentDamage[];
  /** Where the damaged file was kept (a bad record in the middle; a torn end is just cut off). */
  keptAs?: string;
}

/** How a deferred entry is produced: `timed` is true for the batch timer's commit, false for a flush, roll or close. */
export type Produce<T> = (timed: boolean) => T | undefined;

interface Pending {
  /** The encoded record, or how to produce its entry when the batch is written. */
  bytes: Buffer | Produce<unknown>;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
  seq: number;
}

interface Segment {
  firstSeq: number;
  path: string;
}

function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(16, '0')}.log`;
}

export class Journal<T> {
  private readonly batchIntervalMs: number;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private handle: SegmentFile | undefined;
  private current: Segment | undefined;
  private currentSize = 0;
  private nextSeq: number;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the batch timer fires (performance.now()). */
  private timerDueAt = Infinity;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  /** What a commit (write and fdatasync) took lately: the slowest of the recent ones, decaying. */
  private recentCommitMs = 0;

  private constructor(
    private readonly options: JournalOptions,
    lastSeq: number,
    segments: Segment[],
  ) {
    this.batchIntervalMs = options.batchIntervalMs;
    this.segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
    this.nextSeq = lastSeq + 1;
    this.segments = segments;
  }

  /**
   * Opens the journal in `dir` (created when missing), hands every recorded entry to `replay`
   * in order, and starts a fresh segment for new appends.
   */
  static async open<T>(
    options: JournalOptions,
    replay: (seq: number, entry: T) => void,
  ): Promise<{ journal: Journal<T>; report: RecoveryReport }> {
    await mkdir(options.dir, { recursive: true });
    const segments = (await readdir(options.dir))
      .map((name) => SEGMENT_PATTERN.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ firstSeq: Number(match[1]), path: join(options.dir, match[0]) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
    const report: RecoveryReport = { records: 0, corrupt: 0, lastSeq: 0, damaged: [] };
    // numbers handed out before stay taken, even when no record of them is left to read: those
    // a snapshot covers, and those of segments that were started (a segment's name is its first)
    let floor = options.afterSeq ?? 0;
    for (const segment of segments) floor = Math.max(floor, segment.firstSeq - 1);
    const kept: Segment[] = [];
    const empty: string[] = [];
    for (const segment of segments) {
      const bytes = await readFile(segment.path);
      const decoded = decodeSegment(bytes);
      for (const [seq, entry] of decoded.records) {
        if (seq <= report.lastSeq) continue; // never replay an older record twice
        report.lastSeq = seq;
        report.records++;
        replay(seq, entry as T);
      }
      if (decoded.damage.length > 0) report.damaged.push(await Journal.repair(segment.path, bytes, decoded, options.log));
      report.corrupt += decoded.damage.length;
      // an empty segment (a start with no appends, or one cut to nothing) holds nothing to keep;
      // it goes once the new segment, whose name carries the numbering on, is in place
      if (decoded.records.length === 0) empty.push(segment.path);
      else kept.push(segment);
    }
    const journal = new Journal<T>(options, Math.max(report.lastSeq, floor), kept);
    await journal.startSegment();
    for (const path of empty) if (path !== journal.current?.path) await unlink(path);
    return { journal, report };
  }

  /**
   * Makes a damaged segment readable again: a torn end is cut off (what a power cut leaves: the
   * write was never acknowledged); a bad record with good ones after it is a damaged file, kept
   * aside as `<name>.corrupt-<time>` while the segment is rewritten with its good records.
   */
  private static async repair(path: string, bytes: Buffer, decoded: ReturnType<typeof decodeSegment>, log: Logger): Promise<JournalDamage> {
    const tornTailOnly = decoded.damage.length === 1 && decoded.damage[0]?.torn === true;
    const problems = decoded.damage.map((d) => `${d.problem} (${d.bytes} bytes ${d.torn ? 'torn off' : 'skipped'})`).join('; ');
    if (tornTailOnly) {
      log.warn(
        { path, goodBytes: decoded.goodBytes, droppedBytes: bytes.length - decoded.goodBytes },
        `journal ${path}: ${problems}; recovered up to the last good record and cut the rest`,
      );
      await truncate(path, decoded.goodBytes);
      return { path, problems: decoded.damage };
    }
    const keptAs = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, keptAs);
    await writeFileAtomic(path, Buffer.concat(decoded.spans.map(([from, to]) => bytes.subarray(from, to))));
    log.error(
      { path, keptAs, damage: decoded.damage, recordsKept: decoded.records.length },
      `journal ${path} is damaged: ${problems}; kept the ${decoded.records.length} good record(s), the ones after the damage too, and the damaged file as ${keptAs}`,
    );
    return { path, problems: decoded.damage, keptAs };
  }

  /** The sequence number the next append gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Appends an entry; resolves with its sequence number once it is on disk. */
  append(entry: T): Promise<number> {
    if (this.closed) return Promise.reject(new HearthError(ErrorCode.StoreClosed, 'the journal is closed'));
    const seq = this.nextSeq++;
    const bytes = encodeRecord(seq, entry);
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ bytes, resolve, reject, seq });
      this.schedule(this.gatherMs());
    });
  }

  /**
   * Appends an entry produced when its batch is written (called in append order, before the
   * batch is encoded); `undefined` writes nothing for it. Resolves like `append`. `waitedMs`:
   * how long what the entry will hold has waited already (what a producer carried over from
   * the batch before): the batch's gathering is cut by it, so the bound holds from then.
   */
  appendLater(produce: Produce<T>, waitedMs = 0): Promise<number> {
    if (this.closed) return Promise.reject(new HearthError(ErrorCode.StoreClosed, 'the journal is closed'));
    const seq = this.nextSeq++;
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ bytes: produce, resolve, reject, seq });
      this.schedule(this.gatherMs(waitedMs));
    });
  }

  /** Starts the batch timer, or brings it forward when this batch must commit sooner. */
  private schedule(delayMs: number): void {
    const dueAt = performance.now() + delayMs;
    if (this.timer !== undefined) {
      if (dueAt >= this.timerDueAt) return;
      clearTimeout(this.timer);
    }
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => void this.timedCommit(), delayMs);
  }

  /**
   * How long the batch that starts now gathers: the batch interval, cut short so that the
   * commit (taking about as long as recent ones did, twice over for safety) ends within the
   * bound, with room for a late timer.
   */
  private gatherMs(waitedMs = 0): number {
    const bound = this.options.maxLossMs;
    if (bound === undefined) return Math.max(1, this.batchIntervalMs - waitedMs);
    const grace = this.options.beforeTimedCommit?.graceMs ?? 0;
    return Math.max(1, Math.min(this.batchIntervalMs, Math.floor(bound - waitedMs - TIMER_SLACK_MS - grace - 2 * this.recentCommitMs)));
  }

  /**
   * How old an entry's contents may be and still be carried to a batch that starts now and
   * commits within the bound, with `marginMs` to spare: a producer asks before carrying.
   */
  carryableAgeMs(marginMs: number): number {
    const bound = this.options.maxLossMs ?? this.batchIntervalMs;
    const grace = this.options.beforeTimedCommit?.graceMs ?? 0;
    return bound - TIMER_SLACK_MS - grace - 2 * this.recentCommitMs - marginMs;
  }

  /** The commit the batch timer starts: after `beforeTimedCommit`'s wait, at most its grace. */
  private async timedCommit(): Promise<void> {
    const before = this.options.beforeTimedCommit;
    if (before !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, before.graceMs)));
      await Promise.race([before.wait().catch(() => undefined), grace]);
      clearTimeout(timer);
    }
    await this.commit(true);
  }

  /** Commits what is pending now rather than at the end of the batch interval. */
  flush(): Promise<void> {
    return this.commit();
  }

  /** Runs `task` after every write and segment change queued before it: they never overlap. */
  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.flushing.then(task);
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Commits the pending batch: one write, one fdatasync, then every append in it resolves. */
  private commit(timed = false): Promise<void> {
    this.stopTimer();
    return this.serial(() => this.writeBatch(timed));
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  private async writeBatch(timed = false): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      const records: Buffer[] = [];
      for (const p of batch) {
        if (typeof p.bytes !== 'function') records.push(p.bytes);
        else {
          const entry = p.bytes(timed);
          if (entry !== undefined) records.push(encodeRecord(p.seq, entry));
        }
      }
      if (records.length === 0) {
        for (const p of batch) p.resolve(p.seq);
        return;
      }
      const bytes = Buffer.concat(records);
      if (this.currentSize > 0 && this.currentSize + bytes.length > this.segmentBytes) await this.startSegment(batch[0]?.seq);
      const handle = this.handle as SegmentFile;
      const began = performance.now();
      const sent = await handle.append(bytes);
      this.recentCommitMs = Math.max(performance.now() - began, this.recentCommitMs * 0.9);
      diskStats.fsyncs++;
      diskStats.bytesWritten += sent;
      this.currentSize += bytes.length;
      for (const p of batch) p.resolve(p.seq);
    } catch (error) {
      const failure = new HearthError(ErrorCode.StoreWriteFailed, `journal write failed: ${(error as Error).message}`, { cause: error });
      for (const p of batch) p.reject(failure);
      this.options.log.error({ err: error, records: batch.length }, failure.message);
      // a failed write may have left part of the batch behind: go on in a fresh segment,
      // so recovery cuts only the torn tail and keeps what follows
      await this.startSegment().catch(() => undefined);
    }
  }

  /** Closes the current segment and opens a new one starting at `firstSeq`. */
  private async startSegment(firstSeq = this.nextSeq): Promise<void> {
    await this.handle?.close();
    const segment = { firstSeq, path: join(this.options.dir, segmentName(firstSeq)) };
    this.handle = await SegmentFile.create(segment.path, 0o640, this.options.directWrites ?? true);
    this.current = segment;
    this.currentSize = 0;
    this.segments.push(segment);
    await fsyncDirectory(this.options.dir);
  }

  /**
   * Deletes the segments whose every record has a sequence number at or below `coveredSeq`
   * (a snapshot holds them now). The segment being written is never deleted.
   */
  async compact(coveredSeq: number): Promise<number> {
    let deleted = 0;
    const keep: Segment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i] as Segment;
      const next = this.segments[i + 1];
      const lastSeqInSegment = next === undefined ? Infinity : next.firstSeq - 1;
      if (segment !== this.current && lastSeqInSegment <= coveredSeq) {
        await unlink(segment.path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        deleted++;
      } else {
        keep.push(segment);
      }
    }
    this.segments = keep;
    if (deleted > 0) await fsyncDirectory(this.options.dir);
    return deleted;
  }

  /** Starts a new segment so that everything written so far can be compacted away. */
  roll(): Promise<void> {
    this.stopTimer();
    return this.serial(async () => {
      await this.writeBatch();
      if (this.currentSize > 0) await this.startSegment();
    });
  }

  /** Commits what is pending and closes the file. Later appends fail with STORE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    await this.serial(async () => {
      await this.writeBatch();
      await this.handle?.close();
      this.handle = undefined;
    });
  }
}
