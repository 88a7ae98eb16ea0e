/**
 * Keeps one flooding device from starving the others: each device may pass `ratePerS` reports
 * a second (with a burst of as many); past that, its reports are merged (the latest value of
 * each attribute wins, events such as `action` are kept in order up to a bound) and passed on
 * once per interval. A device under its rate is never delayed.
 */
import { isTransient } from '../../model/capabilities.js';

interface Bucket {
  tokens: number;
  refilledAt: number;
  pending: Record<string, unknown> | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class ReportThrottle {
  private readonly buckets = new Map<string, Bucket>();
  /** Reports merged into a later one since start (a measure of how hard devices flood). */
  merged = 0;

  constructor(
    private readonly ratePerS: number,
    private readonly pass: (id: string, values: Record<string, unknown>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  offer(id: string, values: Record<string, unknown>): void {
    let bucket = this.buckets.get(id);
    const now = this.now();
    if (bucket === undefined) {
      bucket = { tokens: this.ratePerS, refilledAt: now, pending: undefined, timer: undefined };
      this.buckets.set(id, bucket);
    }
    bucket.tokens = Math.min(this.ratePerS, bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.ratePerS);
    bucket.refilledAt = now;
    if (bucket.pending === undefined && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.pass(id, values);
      return;
    }
    this.merged++;
    // an event (a button press) is not a value to overwrite: one that would be lost goes out now
    if (Object.keys(values).some(isTransient) && bucket.pending !== undefined && Object.keys(bucket.pending).some(isTransient)) {
      this.flush(id, bucket);
    }
    bucket.pending = { ...bucket.pending, ...values };
    if (bucket.timer === undefined) {
      const wait = Math.max(1, Math.ceil(((1 - bucket.tokens) / this.ratePerS) * 1000));
      bucket.timer = setTimeout(() => {
        bucket.timer = undefined;
        bucket.tokens = Math.max(0, bucket.tokens - 1 + ((this.now() - bucket.refilledAt) / 1000) * this.ratePerS);
        bucket.refilledAt = this.now();
        this.flush(id, bucket);
      }, wait);
      bucket.timer.unref();
    }
  }

  private flush(id: string, bucket: Bucket): void {
    const pending = bucket.pending;
    bucket.pending = undefined;
    if (pending !== undefined) this.pass(id, pending);
  }

  forget(id: string): void {
    const bucket = this.buckets.get(id);
    if (bucket?.timer !== undefined) clearTimeout(bucket.timer);
    this.buckets.delete(id);
  }

  stop(): void {
    for (const id of [...this.buckets.keys()]) this.forget(id);
  }
}
