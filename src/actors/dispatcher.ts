/**
 * The dispatcher runs actors that have messages waiting. An actor with work is put on a run
 * queue once; a drain takes actors off it and lets each handle up to `throughput` messages per
 * turn, so one busy actor cannot starve the others. A drain starts on a microtask (a tell
 * is handled promptly) and yields to the event loop with setImmediate after `sliceMs`, so a
 * flood of messages never starves timers or I/O. The slice counts from the first drain of
 * the event-loop turn: drains chained by microtasks (actors activated one after another, each
 * starting a short drain of its own) share it rather than each starting afresh.
 */

export interface Runnable {
  /** True while on the run queue. */
  scheduled: boolean;
  /** Handles up to `throughput` messages. */
  runTurn(throughput: number): void;
}

export interface DispatcherOptions {
  /** Messages one actor handles before the next actor gets its turn. */
  throughput: number;
  /** Longest a drain runs before yielding to the event loop. */
  sliceMs: number;
}

/** The runtime's turn sizes: constants, not tunables (the one place they are written). */
export const DISPATCH: DispatcherOptions = { throughput: 64, sliceMs: 10 };

export class Dispatcher {
  private queue: (Runnable | undefined)[] = [];
  private head = 0;
  private pending = false;
  /** When the current slice began; undefined once the event loop has turned since. */
  private sliceStarted: number | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: DispatcherOptions = DISPATCH,
    /** A turn that threw: a bug in the runtime, reported rather than stalling every actor. */
    private readonly onError: (error: unknown) => void = (error) =>
      queueMicrotask(() => {
        throw error;
      }),
  ) {}

  schedule(runnable: Runnable): void {
    if (runnable.scheduled) return;
    runnable.scheduled = true;
    this.queue.push(runnable);
    if (!this.pending) {
      this.pending = true;
      queueMicrotask(this.drain);
    }
  }

  /** Resolves once the run queue is empty (async handlers may still be in flight). */
  idle(): Promise<void> {
    if (!this.pending && this.head === this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private readonly endSlice = (): void => {
    this.sliceStarted = undefined;
  };

  private readonly drain = (): void => {
    const { throughput, sliceMs } = this.options;
    let started = this.sliceStarted;
    if (started === undefined) {
      started = this.sliceStarted = performance.now();
      setImmediate(this.endSlice);
    } else if (performance.now() - started >= sliceMs) {
      // this event-loop turn has had its slice already (in earlier drains): yield first
      this.compact();
      setImmediate(this.drain);
      return;
    }
    while (this.head < this.queue.length) {
      const runnable = this.queue[this.head] as Runnable;
      this.queue[this.head++] = undefined;
      runnable.scheduled = false;
      try {
        runnable.runTurn(throughput);
      } catch (error) {
        this.onError(error);
      }
      if (performance.now() - started >= sliceMs) {
        this.compact();
        setImmediate(this.drain);
        return;
      }
    }
    this.queue.length = 0;
    this.head = 0;
    this.pending = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  private compact(): void {
    if (this.head > 0) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
