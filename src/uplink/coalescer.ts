/**
 * Coalesces a burst of requests into one run: the task runs once the requests have been quiet
 * for `quietMs`, or `maxWaitMs` after the first of the burst at the latest (a stream of changes
 * that never pauses is still published). Plain timers, so a fake clock drives it in tests.
 */
export interface CoalescerOptions {
  quietMs: number;
  maxWaitMs: number;
}

export class Coalescer {
  private timer: NodeJS.Timeout | undefined;
  /** When the current burst began (ms, Date.now), undefined when none is pending. */
  private firstAt: number | undefined;
  /** Runs of the task so far. */
  runs = 0;

  constructor(
    private readonly options: CoalescerOptions,
    private readonly task: () => void,
  ) {}

  /** Asks for a run; it happens after the burst this request belongs to. */
  request(): void {
    const now = Date.now();
    this.firstAt ??= now;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.options.quietMs, this.firstAt + this.options.maxWaitMs - now));
    this.timer = setTimeout(() => this.run(), wait);
    this.timer.unref();
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Runs now what is pending (nothing when nothing is). */
  flush(): void {
    if (this.timer !== undefined) this.run();
  }

  /** Drops what is pending. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.firstAt = undefined;
  }

  private run(): void {
    this.cancel();
    this.runs++;
    this.task();
  }
}
