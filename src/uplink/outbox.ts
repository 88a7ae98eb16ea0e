/**
 * The outbox: every message the hub publishes waits here until the broker acknowledged it
 * (PUBACK), in memory and in a journal on disk, so a broker outage, a SIGKILL or a power cut
 * loses nothing that was committed. State messages are compacted by topic (a device's newest
 * state replaces an unsent older one, and moves behind what came before it); events are kept
 * in order. The outbox is bounded in bytes: past the bound the oldest events are dropped first
 * and counted, never a device's latest state. The journal is checkpointed (the pending
 * messages written afresh, older segments deleted) so it never grows without bound.
 */
import type { Logger } from 'pino';
import { Journal } from '../store/journal.js';

export type OutboxKind = 'state' | 'event';

export interface OutgoingMessage {
  topic: string;
  payload: string;
  retain: boolean;
  kind: OutboxKind;
}

export interface OutboxMessage extends OutgoingMessage {
  /** Position in the outbox; increases with every message. */
  seq: number;
  /** When it was enqueued (ms since the epoch). */
  at: number;
}

type Packed = [seq: number, topic: string, payload: string, retain: 0 | 1, kind: 's' | 'e', at: number];

/** Journal records, with short keys. */
type Entry = { o: 'a'; m: Packed } | { o: 'd'; s: number[] } | { o: 'c'; m: Packed[] };

function pack(message: OutboxMessage): Packed {
  return [message.seq, message.topic, message.payload, message.retain ? 1 : 0, message.kind === 'state' ? 's' : 'e', message.at];
}

function unpack([seq, topic, payload, retain, kind, at]: Packed): OutboxMessage {
  return { seq, topic, payload, retain: retain === 1, kind: kind === 's' ? 'state' : 'event', at };
}

function sizeOf(message: OutgoingMessage): number {
  return Buffer.byteLength(message.topic) + Buffer.byteLength(message.payload);
}

export interface OutboxOptions {
  dir: string;
  log: Logger;
  /** Bytes of topic and payload the outbox holds at most (events beyond it are dropped). */
  maxBytes: number;
  batchIntervalMs?: number;
  /** Write a checkpoint after this many journal records. */
  checkpointEvery?: number;
  now?: () => number;
}

export class Outbox {
  /** Pending messages in send order (a Map keeps insertion order). */
  private readonly queue = new Map<number, OutboxMessage>();
  /** The pending messages not in flight, in order: what take() hands out next. */
  private waiting = new Map<number, OutboxMessage>();
  /** Acknowledged since the last 'done' record: one record covers them all. */
  private acked: number[] = [];
  private ackRecord: Promise<number> | undefined;
  private readonly stateByTopic = new Map<string, number>();
  private readonly inFlight = new Set<number>();
  private bytesHeld = 0;
  private recordsSinceCheckpoint = 0;
  private checkpointing: Promise<void> | undefined;
  private warnedFull = false;
  droppedEvents = 0;
  superseded = 0;

  private constructor(
    private readonly options: OutboxOptions,
    private readonly journal: Journal<Entry>,
  ) {}

  static async open(options: OutboxOptions): Promise<Outbox> {
    const recovered = new Map<number, OutboxMessage>();
    const { journal, report } = await Journal.open<Entry>(
      { dir: options.dir, log: options.log, ...(options.batchIntervalMs === undefined ? {} : { batchIntervalMs: options.batchIntervalMs }) },
      (_seq, entry) => {
        if (entry.o === 'a') recovered.set(entry.m[0], unpack(entry.m));
        else if (entry.o === 'd') for (const seq of entry.s) recovered.delete(seq);
        else {
          recovered.clear();
          for (const packed of entry.m) recovered.set(packed[0], unpack(packed));
        }
      },
    );
    const outbox = new Outbox(options, journal);
    for (const message of recovered.values()) outbox.insert(message);
    outbox.recordsSinceCheckpoint = report.records;
    if (outbox.queue.size > 0) options.log.info({ pending: outbox.queue.size, bytes: outbox.bytesHeld }, 'outbox recovered messages not yet acknowledged by the broker');
    return outbox;
  }

  /** Puts a message in memory, superseding an unsent older state of the same topic. */
  private insert(message: OutboxMessage): void {
    if (message.kind === 'state') {
      const older = this.stateByTopic.get(message.topic);
      if (older !== undefined && !this.inFlight.has(older)) {
        const old = this.queue.get(older);
        if (old !== undefined) {
          this.queue.delete(older);
          this.waiting.delete(older);
          this.bytesHeld -= sizeOf(old);
          this.superseded++;
        }
      }
      this.stateByTopic.set(message.topic, message.seq);
    }
    this.queue.set(message.seq, message);
    this.waiting.set(message.seq, message);
    this.bytesHeld += sizeOf(message);
  }

  private remove(seq: number): OutboxMessage | undefined {
    const message = this.queue.get(seq);
    if (message === undefined) return undefined;
    this.queue.delete(seq);
    this.waiting.delete(seq);
    this.inFlight.delete(seq);
    this.bytesHeld -= sizeOf(message);
    if (message.kind === 'state' && this.stateByTopic.get(message.topic) === seq) this.stateByTopic.delete(message.topic);
    return message;
  }

  /**
   * Adds a message. It is sendable at once; the promise resolves once it is on disk (so a
   * crash after that loses nothing).
   */
  async enqueue(outgoing: OutgoingMessage): Promise<void> {
    const message: OutboxMessage = { ...outgoing, seq: this.journal.nextSequence, at: (this.options.now ?? Date.now)() };
    // a superseded state needs no record of its own: recovery supersedes by topic the same way
    this.insert(message);
    const written = [this.append({ o: 'a', m: pack(message) })];
    const dropped = this.enforceBound();
    if (dropped.length > 0) written.push(this.append({ o: 'd', s: dropped }));
    await Promise.all(written);
  }

  /** Drops the oldest events not in flight until the outbox fits its bound. */
  private enforceBound(): number[] {
    const dropped: number[] = [];
    if (this.bytesHeld <= this.options.maxBytes) return dropped;
    for (const message of this.queue.values()) {
      if (this.bytesHeld <= this.options.maxBytes) break;
      if (message.kind !== 'event' || this.inFlight.has(message.seq)) continue;
      this.remove(message.seq);
      dropped.push(message.seq);
      this.droppedEvents++;
    }
    if (dropped.length > 0) {
      this.options.log.warn({ dropped: dropped.length, droppedTotal: this.droppedEvents, maxBytes: this.options.maxBytes }, `outbox full: dropped the ${dropped.length} oldest event(s)`);
    } else if (this.bytesHeld > this.options.maxBytes && !this.warnedFull) {
      this.warnedFull = true;
      this.options.log.warn({ bytes: this.bytesHeld, maxBytes: this.options.maxBytes }, 'outbox is over its bound with device states only; keeping them (a device\'s latest state is never dropped)');
    }
    return dropped;
  }

  private append(entry: Entry): Promise<number> {
    this.recordsSinceCheckpoint++;
    const written = this.journal.append(entry);
    if (this.recordsSinceCheckpoint >= (this.options.checkpointEvery ?? 10_000) && this.checkpointing === undefined) {
      this.checkpointing = this.checkpoint().finally(() => (this.checkpointing = undefined));
    }
    return written;
  }

  /** Up to `limit` messages to send next, in order, skipping those in flight; marks them in flight. */
  take(limit: number): OutboxMessage[] {
    const out: OutboxMessage[] = [];
    for (const message of this.waiting.values()) {
      if (out.length >= limit) break;
      out.push(message);
    }
    for (const message of out) {
      this.waiting.delete(message.seq);
      this.inFlight.add(message.seq);
    }
    return out;
  }

  /**
   * The broker acknowledged a message: it leaves the outbox. Acknowledgements of one tick share
   * one journal record; the promise resolves when it is on disk.
   */
  ack(seq: number): Promise<number> | undefined {
    if (this.remove(seq) === undefined) return undefined;
    this.acked.push(seq);
    this.ackRecord ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const seqs = this.acked;
      this.acked = [];
      this.ackRecord = undefined;
      return this.append({ o: 'd', s: seqs });
    });
    return this.ackRecord;
  }

  /** A send failed (the connection dropped): the message is sendable again, in its place. */
  release(seq: number): void {
    if (!this.inFlight.delete(seq)) return;
    this.rebuildWaiting();
  }

  /** The waiting list in outbox order again (after a release: rare). */
  private rebuildWaiting(): void {
    this.waiting = new Map([...this.queue].filter(([seq]) => !this.inFlight.has(seq)));
  }

  get size(): number {
    return this.queue.size;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Age in ms of the oldest pending message, 0 when empty. */
  oldestAgeMs(now = (this.options.now ?? Date.now)()): number {
    const first = this.queue.values().next();
    return first.done === true ? 0 : Math.max(0, now - first.value.at);
  }

  /** When the first message not yet in flight was enqueued (undefined when none waits). */
  nextAt(): number | undefined {
    const first = this.waiting.values().next();
    return first.done === true ? undefined : first.value.at;
  }

  /** Pending messages in order (for tests and bridge/health). */
  pending(): OutboxMessage[] {
    return [...this.queue.values()];
  }

  /** Writes the pending messages afresh and deletes the journal segments before them. */
  async checkpoint(): Promise<void> {
    await this.journal.roll();
    const seq = this.journal.nextSequence;
    this.recordsSinceCheckpoint = 0;
    await this.journal.append({ o: 'c', m: [...this.queue.values()].map(pack) });
    await this.journal.compact(seq - 1);
  }

  async flush(): Promise<void> {
    await this.journal.flush();
  }

  async close(): Promise<void> {
    await this.ackRecord;
    await this.checkpointing;
    await this.journal.close();
  }
}
