/**
 * Coalesced writes: however many changes a document gets, it is written at most once per
 * `intervalMs`, the last state winning, and once more on flush (shutdown). Writes never
 * overlap; a change during a write schedules the next one. A failed write is logged and
 * retried at the next interval, the document staying dirty.
 */
import type { Logger } from 'pino';
import { describeError } from '../errors.js';

export class CoalescingWriter {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastWriteAt = -Infinity;
  writes = 0;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  /** Notes a change; the write follows within the interval. */
  markDirty(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.writing !== undefined) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  private run(): Promise<void> {
    if (this.writing !== undefined) return this.writing;
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    this.lastWriteAt = performance.now();
    this.writing = this.write()
      .then(() => {
        this.writes++;
      })
      .catch((error: unknown) => {
        this.dirty = true;
        this.log.error({ err: error }, `could not write ${this.what}: ${describeError(error)}; retrying`);
      })
      .finally(() => {
        this.writing = undefined;
        if (this.dirty) this.schedule();
      });
    return this.writing;
  }

  /** Writes now if anything changed, after any write in progress. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing !== undefined) await this.writing;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.run();
  }

  get pending(): boolean {
    return this.dirty || this.writing !== undefined;
  }
}
