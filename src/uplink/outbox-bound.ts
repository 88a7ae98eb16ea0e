/**
 * The outbox's bound in bytes: which messages go when it is full (the oldest events not in
 * flight, never a device's state) and the warnings that say so.
 */
import type { Logger } from 'pino';
import type { Held } from './outbox-records.js';

export class OutboxBound {
  /** Events dropped so far. */
  dropped = 0;
  private warnedFull = false;

  constructor(
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  /** The events to drop, oldest first, for `bytes` held to fit (the caller removes them); logs what it chose. */
  overflow(queue: Iterable<Held>, bytes: number, inFlight: ReadonlySet<number>): Held[] {
    const drop: Held[] = [];
    if (bytes <= this.maxBytes) return drop;
    let left = bytes;
    for (const message of queue) {
      if (left <= this.maxBytes) break;
      if (message.kind !== 'event' || inFlight.has(message.seq)) continue;
      drop.push(message);
      left -= message.bytes;
    }
    this.dropped += drop.length;
    if (drop.length > 0) {
      this.log.warn(
        { dropped: drop.length, droppedTotal: this.dropped, maxBytes: this.maxBytes },
        `outbox full: dropped the ${drop.length} oldest event(s)`,
      );
    } else if (!this.warnedFull) {
      this.warnedFull = true;
      this.log.warn(
        { bytes, maxBytes: this.maxBytes },
        "outbox is over its bound with device states only; keeping them (a device's latest state is never dropped)",
      );
    }
    return drop;
  }
}
