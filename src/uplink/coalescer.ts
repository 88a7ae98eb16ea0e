/**
 * Coalesces a burst of requests into one run: the task runs once the requests have been quiet
 * for `quietMs`, or `maxWaitMs` after the first of the burst at the latest (a stream of changes
 * that never pauses is still published). While held (`hold`: a radio announcing the devices it
 * knows at start, the first broker connection not made yet), requests only mark the run wanted;
 * the last holder's `release` starts the quiet wait then. Each holder holds by its own name.
 * Plain timers, so a fake clock drives it in tests.
 */
export interface CoalescerOptions {
  quietMs: number;
  maxWaitMs: number;
}

export class Coalescer {
  private timer: NodeJS.Timeout | undefined;
  /** When the current burst began (ms, Date.now), undefined when none is pending. */
  private firstAt: number | undefined;
  /** Who holds the runs back (a run waits until none does). */
  private readonly holders = new Set<string>();
  /** A request came while held. */
  private wanted = false;
  /** Runs of the task so far. */
  runs = 0;

  constructor(
    private readonly options: CoalescerOptions,
    private readonly task: () => void,
  ) {}

  /** Asks for a run; it happens after the burst this request belongs to. */
  request(): void {
    if (this.holders.size > 0) {
      this.wanted = true;
      return;
    }
    const now = Date.now();
    this.firstAt ??= now;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.options.quietMs, this.firstAt + this.options.maxWaitMs - now));
    this.timer = setTimeout(() => this.run(), wait);
    this.timer.unref();
  }

  /** Requests wait until every holder has released (a run already pending waits too). */
  hold(by = 'hold'): void {
    const already = this.holders.size > 0;
    this.holders.add(by);
    if (already || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.firstAt = undefined;
    this.wanted = true;
  }

  /** Ends `by`'s hold: once none holds, what was requested meanwhile runs when the burst is quiet. */
  release(by = 'hold'): void {
    if (!this.holders.delete(by) || this.holders.size > 0) return;
    if (!this.wanted) return;
    this.wanted = false;
    this.request();
  }

  get pending(): boolean {
    return this.timer !== undefined || this.wanted;
  }

  /** Runs now what is pending (nothing when nothing is), held or not. */
  flush(): void {
    if (this.pending) this.run();
  }

  /** Drops what is pending. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.firstAt = undefined;
    this.wanted = false;
  }

  private run(): void {
    this.cancel();
    this.runs++;
    this.task();
  }
}
