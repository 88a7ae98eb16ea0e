/**
 * The journal: an append-only log of entries (device state changes) in segment files, each
 * record framed as [length u32][crc32 u32][JSON of [seq, entry]]. Appends are group-committed:
 * records gather for `batchIntervalMs`, then one write and one fdatasync cover the batch, and
 * every append in it resolves (is acknowledged) only then. A deferred append (`appendLater`)
 * takes its place and sequence number at once but produces its entry only when the batch is
 * written, so a caller can keep adding to one record until then, or find it has nothing left
 * to say (a batch with nothing in it is neither written nor synced). Recovery reads every segment in
 * order; a torn or corrupt record (short, oversized, or failing its checksum) is counted and
 * logged, the segment is cut back to its last good record, and reading goes on with the next
 * segment. Segments a snapshot covers are deleted by `compact`.
 */
import { mkdir, open, readdir, readFile, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { ErrorCode, HearthError } from '../errors.js';
import { fsyncDirectory } from './atomic-file.js';
import { diskStats } from './disk-stats.js';

const HEADER = 8;
/** A record longer than this is garbage from a torn length field, not a record. */
const MAX_RECORD = 16 * 1024 * 1024;
const SEGMENT_PATTERN = /^segment-(\d{16})\.log$/;

export interface JournalOptions {
  dir: string;
  log: Logger;
  /** How long appends gather before one write and one fsync commit them. */
  batchIntervalMs?: number;
  /** A segment past this size is closed and a new one started. */
  segmentBytes?: number;
}

export interface RecoveryReport {
  /** Records read back. */
  records: number;
  /** Torn or corrupt records found (each cuts its segment short). */
  corrupt: number;
  /** The highest sequence number read, 0 when none. */
  lastSeq: number;
}

interface Pending {
  /** The encoded record, or how to produce its entry when the batch is written. */
  bytes: Buffer | (() => unknown);
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

/** Encodes one record: header and payload. */
export function encodeRecord(seq: number, entry: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify([seq, entry]));
  const record = Buffer.allocUnsafe(HEADER + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  payload.copy(record, HEADER);
  return record;
}

/**
 * Decodes the records of one segment's bytes. Stops at the first torn or corrupt record and
 * says where the good part ends.
 */
export function decodeSegment(bytes: Buffer): { records: [number, unknown][]; goodBytes: number; problem?: string } {
  const records: [number, unknown][] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < HEADER) return { records, goodBytes: offset, problem: `torn header at byte ${offset}` };
    const length = bytes.readUInt32LE(offset);
    const checksum = bytes.readUInt32LE(offset + 4);
    if (length > MAX_RECORD) return { records, goodBytes: offset, problem: `impossible record length ${length} at byte ${offset}` };
    if (offset + HEADER + length > bytes.length) return { records, goodBytes: offset, problem: `torn record at byte ${offset} (${length} bytes announced, ${bytes.length - offset - HEADER} present)` };
    const payload = bytes.subarray(offset + HEADER, offset + HEADER + length);
    if (crc32(payload) !== checksum) return { records, goodBytes: offset, problem: `checksum mismatch at byte ${offset}` };
    let decoded: unknown;
    try {
      decoded = JSON.parse(payload.toString());
    } catch {
      return { records, goodBytes: offset, problem: `unreadable record at byte ${offset}` };
    }
    if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'number') {
      return { records, goodBytes: offset, problem: `malformed record at byte ${offset}` };
    }
    records.push([decoded[0], decoded[1]]);
    offset += HEADER + length;
  }
  return { records, goodBytes: offset };
}

export class Journal<T> {
  private readonly batchIntervalMs: number;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private handle: FileHandle | undefined;
  private current: Segment | undefined;
  private currentSize = 0;
  private nextSeq: number;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly options: JournalOptions,
    lastSeq: number,
    segments: Segment[],
  ) {
    this.batchIntervalMs = options.batchIntervalMs ?? 200;
    this.segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
    this.nextSeq = lastSeq + 1;
    this.segments = segments;
  }

  /**
   * Opens the journal in `dir` (created when missing), hands every recorded entry to `replay`
   * in order, and starts a fresh segment for new appends.
   */
  static async open<T>(options: JournalOptions, replay: (seq: number, entry: T) => void): Promise<{ journal: Journal<T>; report: RecoveryReport }> {
    await mkdir(options.dir, { recursive: true });
    const segments = (await readdir(options.dir))
      .map((name) => SEGMENT_PATTERN.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ firstSeq: Number(match[1]), path: join(options.dir, match[0]) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
    const report: RecoveryReport = { records: 0, corrupt: 0, lastSeq: 0 };
    const kept: Segment[] = [];
    for (const segment of segments) {
      const bytes = await readFile(segment.path);
      const decoded = decodeSegment(bytes);
      for (const [seq, entry] of decoded.records) {
        if (seq <= report.lastSeq) continue; // never replay an older record twice
        report.lastSeq = seq;
        report.records++;
        replay(seq, entry as T);
      }
      if (decoded.problem !== undefined) {
        report.corrupt++;
        options.log.warn(
          { path: segment.path, goodBytes: decoded.goodBytes, droppedBytes: bytes.length - decoded.goodBytes },
          `journal ${segment.path}: ${decoded.problem}; recovered up to the last good record and cut the rest`,
        );
        await truncate(segment.path, decoded.goodBytes);
      }
      // an empty segment (a start with no appends, or one cut to nothing) holds nothing to keep
      if (decoded.goodBytes === 0) await unlink(segment.path);
      else kept.push(segment);
    }
    const journal = new Journal<T>(options, report.lastSeq, kept);
    await journal.startSegment();
    return { journal, report };
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
      this.timer ??= setTimeout(() => void this.commit(), this.batchIntervalMs);
    });
  }

  /**
   * Appends an entry produced when its batch is written (called in append order, before the
   * batch is encoded); `undefined` writes nothing for it. Resolves like `append`.
   */
  appendLater(produce: () => T | undefined): Promise<number> {
    if (this.closed) return Promise.reject(new HearthError(ErrorCode.StoreClosed, 'the journal is closed'));
    const seq = this.nextSeq++;
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ bytes: produce, resolve, reject, seq });
      this.timer ??= setTimeout(() => void this.commit(), this.batchIntervalMs);
    });
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
  private commit(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    return this.serial(() => this.writeBatch());
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      const records: Buffer[] = [];
      for (const p of batch) {
        if (typeof p.bytes !== 'function') records.push(p.bytes);
        else {
          const entry = p.bytes();
          if (entry !== undefined) records.push(encodeRecord(p.seq, entry));
        }
      }
      if (records.length === 0) {
        for (const p of batch) p.resolve(p.seq);
        return;
      }
      const bytes = Buffer.concat(records);
      if (this.currentSize > 0 && this.currentSize + bytes.length > this.segmentBytes) await this.startSegment(batch[0]?.seq);
      const handle = this.handle as FileHandle;
      await handle.write(bytes, 0, bytes.length);
      await handle.datasync();
      diskStats.fsyncs++;
      diskStats.bytesWritten += bytes.length;
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
    this.handle = await open(segment.path, 'a', 0o640);
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
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    return this.serial(async () => {
      await this.writeBatch();
      if (this.currentSize > 0) await this.startSegment();
    });
  }

  /** Commits what is pending and closes the file. Later appends fail with STORE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.serial(async () => {
      await this.writeBatch();
      await this.handle?.close();
      this.handle = undefined;
    });
  }
}
