/**
 * The outbox: every message the hub publishes waits here until the broker acknowledged it
 * (PUBACK), in memory and in a journal on disk, so a broker outage, a SIGKILL or a power cut
 * loses nothing that was committed. State messages are compacted by topic (a device's newest
 * state replaces an unsent older one, and moves behind what came before it); events are kept
 * in order. The outbox is bounded in bytes: past the bound the oldest events are dropped first
 * and counted, never a device's latest state. The journal is checkpointed (the pending
 * messages written afresh, older segments deleted) so it never grows without bound.
 *
 * Journal records are group-committed and produced when their batch is written: one record
 * adds every message enqueued since the last batch that is still pending then, one deletes
 * every written message that left since (acknowledged, dropped or superseded). A message that
 * left before its batch was written (a state superseded at once, a message the broker
 * acknowledged within the batch interval, or within a short grace a timed commit waits for
 * messages in flight) costs the journal nothing; so does one still in flight at a timed commit
 * that is acknowledged before the next: it is carried to that batch, which the bound still allows.
 */
import type { Logger } from 'pino';
import { Journal, type JournalOptions, type RecoveryReport } from '../store/journal.js';
import { LeaveWaiters } from './leave-waiters.js';
import { OutboxBound } from './outbox-bound.js';
import { hold, pack, RecoveredMessages } from './outbox-records.js';
import type { Entry, Held, OutboxMessage, OutgoingMessage, Packed } from './outbox-records.js';

export type { OutboxKind, OutboxMessage, OutgoingMessage } from './outbox-records.js';

const ignore = (): void => undefined;

/**
 * How long a timed commit waits at most for acknowledgements of messages in flight (taken from
 * the gathering, so `maxLossMs` holds): the broker's PUBACK takes a few ms, a write a page.
 */
const ACK_GRACE_MS = 30;

/** A message in flight at a timed commit is carried to the next batch (its PUBACK is on its way) while that batch commits within the bound with this to spare. */
const CARRY_MARGIN_MS = 100;

/** Journal records after which the outbox writes a checkpoint (its pending messages) and drops what it covers. */
const CHECKPOINT_EVERY = 10_000;

export interface OutboxOptions extends Pick<JournalOptions, 'directWrites'> {
  dir: string;
  log: Logger;
  /** Bytes of topic and payload the outbox holds at most (events beyond it are dropped). */
  maxBytes: number;
  /** How long messages gather before one write and one fsync commit them (the hub: `store.maxLossMs`). */
  batchIntervalMs: number;
  /** A message is on disk within this, however slow commits are: `store.maxLossMs`. */
  maxLossMs?: number;
  /** Write a checkpoint after this many journal records. */
  checkpointEvery?: number;
  now?: () => number;
}

export class Outbox {
  /** Pending messages in send order (a Map keeps insertion order). */
  private readonly queue = new Map<number, Held>();
  /** The pending messages not in flight, in order: what take() hands out next. */
  private waiting = new Map<number, Held>();
  /**
   * Enqueued since the open 'b' record was started and still pending: it adds them when
   * written. A message leaves this set as it leaves the outbox, so one acknowledged within
   * the batch interval is garbage at once rather than held until the batch is written.
   */
  private added = new Map<number, Held>();
  private addRecord: Promise<number> | undefined;
  /** Written messages that left since the open 'd' record was started. */
  private left: number[] = [];
  private leftRecord: Promise<number> | undefined;
  private readonly stateByTopic = new Map<string, number>();
  private readonly inFlight = new Set<number>();
  private bytesHeld = 0;
  private nextSeq: number;
  /** Messages and deletions written since the last checkpoint. */
  private recordsSinceCheckpoint = 0;
  private checkpointing: Promise<void> | undefined;
  private readonly bound: OutboxBound;
  private readonly leaveWaiters = new LeaveWaiters();
  /** The timed commit waiting for the open 'b' record's messages in flight to leave. */
  private inFlightLeft: (() => void) | undefined;
  superseded = 0;

  private constructor(
    private readonly options: OutboxOptions,
    private readonly journal: Journal<Entry>,
    lastSeq: number,
    /** What reading the journal back at start found (damage included). */
    readonly recovery: RecoveryReport,
  ) {
    this.nextSeq = lastSeq + 1;
    this.bound = new OutboxBound(options.maxBytes, options.log);
  }

  static async open(options: OutboxOptions): Promise<Outbox> {
    const recovered = new RecoveredMessages();
    const late: { outbox?: Outbox } = {}; // the journal opens before the outbox it belongs to
    const { journal, report } = await Journal.open<Entry>(
      {
        dir: options.dir,
        log: options.log,
        batchIntervalMs: options.batchIntervalMs,
        maxLossMs: options.maxLossMs,
        directWrites: options.directWrites,
        beforeTimedCommit: { wait: () => late.outbox?.unwrittenInFlightLeft() ?? Promise.resolve(), graceMs: ACK_GRACE_MS },
      },
      (_seq, entry) => recovered.replay(entry),
    );
    // message numbers were journal sequence numbers before batches: stay above both
    const outbox = new Outbox(options, journal, Math.max(recovered.lastSeq, journal.nextSequence - 1), report);
    late.outbox = outbox;
    for (const message of recovered.messages.values()) outbox.insert(hold(message, true));
    // the journal's timed-commit hook is a closure of this scope: it would keep them for good
    recovered.messages.clear();
    outbox.recordsSinceCheckpoint = report.records;
    if (outbox.queue.size > 0)
      options.log.info(
        { pending: outbox.queue.size, bytes: outbox.bytesHeld },
        'outbox recovered messages not yet acknowledged by the broker',
      );
    return outbox;
  }

  /** Puts a message in memory, superseding an unsent older state of the same topic. */
  private insert(message: Held): void {
    if (message.kind === 'state') {
      const older = this.stateByTopic.get(message.topic);
      if (older !== undefined && !this.inFlight.has(older)) {
        const old = this.queue.get(older);
        if (old !== undefined) {
          this.queue.delete(older);
          this.waiting.delete(older);
          this.bytesHeld -= old.bytes;
          this.superseded++;
          this.added.delete(older);
          // written: say it left, or a restart after the newer one is acknowledged sends it again
          if (old.written) this.recordLeaving(older);
          this.leaveWaiters.wake(this.oldestSeq());
        }
      }
      this.stateByTopic.set(message.topic, message.seq);
    }
    this.queue.set(message.seq, message);
    this.waiting.set(message.seq, message);
    this.bytesHeld += message.bytes;
  }

  /** Resolves once no message of the open 'b' record is in flight (before a timed commit: one being acknowledged costs no write). */
  private unwrittenInFlightLeft(): Promise<void> {
    if (!this.unwrittenInFlight()) return Promise.resolve();
    return new Promise<void>((resolve) => (this.inFlightLeft = resolve));
  }

  private unwrittenInFlight(): boolean {
    for (const seq of this.added.keys()) if (this.inFlight.has(seq)) return true;
    return false;
  }

  private checkInFlightLeft(): void {
    if (this.inFlightLeft === undefined || this.unwrittenInFlight()) return;
    const resolve = this.inFlightLeft;
    this.inFlightLeft = undefined;
    resolve();
  }

  /** Takes a message out of memory; a written one goes into the next 'd' record. */
  private remove(seq: number): Held | undefined {
    const message = this.queue.get(seq);
    if (message === undefined) return undefined;
    this.queue.delete(seq);
    this.waiting.delete(seq);
    this.inFlight.delete(seq);
    this.added.delete(seq);
    message.carriedIn = undefined;
    this.bytesHeld -= message.bytes;
    if (message.kind === 'state' && this.stateByTopic.get(message.topic) === seq) this.stateByTopic.delete(message.topic);
    if (message.written) this.recordLeaving(seq);
    this.leaveWaiters.wake(this.oldestSeq());
    this.checkInFlightLeft();
    return message;
  }

  /** The number of the last message enqueued (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * Resolves once every message enqueued up to `seq` has left the outbox: acknowledged by the
   * broker (PUBACK), superseded by a newer state of its topic, or dropped. It does not resolve
   * while the broker is away; the outbox closing leaves it pending.
   */
  leftThrough(seq: number): Promise<void> {
    return this.leaveWaiters.wait(seq, this.oldestSeq());
  }

  private oldestSeq(): number | undefined {
    const oldest = this.queue.keys().next();
    return oldest.done === true ? undefined : oldest.value;
  }

  private recordLeaving(seq: number): void {
    this.left.push(seq);
    if (this.leftRecord !== undefined) return;
    this.leftRecord = this.journal.appendLater(() => {
      const seqs = this.left;
      this.left = [];
      this.leftRecord = undefined;
      this.recordsSinceCheckpoint += seqs.length;
      return seqs.length === 0 ? undefined : { o: 'd', s: seqs };
    });
    this.leftRecord.catch(ignore); // the journal logs a failed write; callers may still await it
    this.maybeCheckpoint();
  }

  /**
   * Adds a message. It is sendable at once; the promise resolves once it is on disk (so a
   * crash after that loses nothing), or once its batch is written if it left before (it needs
   * no record then). Callers need not handle a rejection: the journal logs a failed write.
   */
  enqueue(outgoing: OutgoingMessage): Promise<number> {
    const { topic, payload, retain, kind } = outgoing;
    const message = hold({ topic, payload, retain, kind, seq: this.nextSeq++, at: (this.options.now ?? Date.now)() }, false);
    this.insert(message);
    this.added.set(message.seq, message);
    if (this.addRecord === undefined) this.openAddRecord(0);
    const added = this.addRecord as Promise<number>;
    this.enforceBound();
    const durable = this.durable(message, added);
    // a caller may drop it (an answer enqueued as the bridge stops meets a closed journal): not an unhandled rejection
    durable.catch(ignore);
    return durable;
  }

  private openAddRecord(waitedMs: number): void {
    this.addRecord = this.journal.appendLater((timed) => this.produceAdds(timed), waitedMs);
    this.addRecord.catch(ignore);
    this.maybeCheckpoint();
  }

  /** Resolves once `message` is on disk or left, following it when a commit carried it on. */
  private durable(message: Held, record: Promise<number>): Promise<number> {
    return record.then((seq) => {
      const carried = message.carriedIn;
      return carried === undefined || carried === record ? seq : this.durable(message, carried);
    });
  }

  /**
   * The open 'b' record, as its batch is written: the messages still pending. At a timed commit,
   * one in flight that is young enough is carried to the next batch instead (its acknowledgement
   * is on its way; that batch still commits within the bound from when the message came).
   */
  private produceAdds(timed: boolean): Entry | undefined {
    const batch = this.added;
    this.added = new Map();
    this.addRecord = undefined;
    const packed: Packed[] = [];
    const now = (this.options.now ?? Date.now)();
    const carryable = timed ? this.journal.carryableAgeMs(CARRY_MARGIN_MS) : -Infinity;
    let oldestCarried: number | undefined;
    for (const message of batch.values()) {
      if (this.queue.get(message.seq) !== message) continue; // left already: nothing to keep
      if (this.inFlight.has(message.seq) && now - message.at < carryable) {
        this.added.set(message.seq, message);
        oldestCarried = Math.min(oldestCarried ?? message.at, message.at);
        continue;
      }
      message.carriedIn = undefined;
      if (message.written) continue; // a checkpoint wrote it meanwhile
      message.written = true;
      packed.push(pack(message));
    }
    if (oldestCarried !== undefined) {
      this.openAddRecord(Math.max(0, now - oldestCarried));
      for (const message of this.added.values()) message.carriedIn = this.addRecord;
    }
    this.recordsSinceCheckpoint += packed.length;
    return packed.length === 0 ? undefined : { o: 'b', m: packed };
  }

  /** Drops the oldest events not in flight until the outbox fits its bound. */
  private enforceBound(): void {
    for (const message of this.bound.overflow(this.queue.values(), this.bytesHeld, this.inFlight)) this.remove(message.seq);
  }

  get droppedEvents(): number {
    return this.bound.dropped;
  }

  private maybeCheckpoint(): void {
    if (this.recordsSinceCheckpoint >= (this.options.checkpointEvery ?? CHECKPOINT_EVERY) && this.checkpointing === undefined) {
      this.checkpointing = this.checkpoint().finally(() => (this.checkpointing = undefined));
      this.checkpointing.catch((error: unknown) => this.options.log.warn({ err: error }, 'outbox checkpoint failed'));
    }
  }

  /** Up to `limit` messages to send next, in order, skipping those in flight; marks them in flight. */
  take(limit: number): OutboxMessage[] {
    const out: Held[] = [];
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
   * The broker acknowledged a message: it leaves the outbox. The deletions of one batch share
   * one journal record; the promise resolves when it is on disk (a message acknowledged before
   * its own record was written needs none: it resolves with that batch).
   */
  ack(seq: number): Promise<number> | undefined {
    const message = this.remove(seq);
    if (message === undefined) return undefined;
    return message.written ? this.leftRecord : this.addRecord;
  }

  /** A send failed (the connection dropped): the message is sendable again, in its place. */
  release(seq: number): void {
    if (!this.inFlight.delete(seq)) return;
    this.rebuildWaiting();
    this.checkInFlightLeft();
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

  /** The number of the first message not yet in flight (undefined when none waits). */
  firstWaitingSeq(): number | undefined {
    const first = this.waiting.keys().next();
    return first.done === true ? undefined : first.value;
  }

  /** Whether this very state (topic, payload and retain flag) is pending, in flight or waiting: it need not be enqueued again. */
  holdsState(message: OutgoingMessage): boolean {
    const held = this.heldState(message.topic);
    return held !== undefined && held.payload === message.payload && held.retain === message.retain && message.kind === 'state';
  }

  /** The state pending (in flight or waiting) for `topic`, if any. */
  heldState(topic: string): OutgoingMessage | undefined {
    const seq = this.stateByTopic.get(topic);
    return seq === undefined ? undefined : this.queue.get(seq);
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
    // produced in its place among the batch's records, so it holds exactly what is pending there
    await this.journal.appendLater(() => {
      const pending: Packed[] = [];
      for (const message of this.queue.values()) {
        message.written = true;
        pending.push(pack(message));
      }
      return { o: 'c', m: pending };
    });
    await this.journal.compact(seq - 1);
  }

  async flush(): Promise<void> {
    await this.journal.flush();
  }

  async close(): Promise<void> {
    await this.checkpointing?.catch(ignore);
    await this.journal.close();
  }
}
