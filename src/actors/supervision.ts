/**
 * Supervision: what happens when an actor's handler throws or rejects. A strategy decides per
 * failure: resume (keep state, go on), restart (a new incarnation from the last snapshot, after
 * an exponential backoff with jitter), stop, or escalate to the system. Restarts draw on a
 * budget per sliding time window; the window slides, so the budget refills and an actor that
 * fails once a week lives forever (the predecessor's counter never reset). A spent budget
 * escalates.
 */

export type Directive = 'resume' | 'restart' | 'stop' | 'escalate';

export interface BackoffOptions {
  /** Delay before the first restart in a window. */
  initialMs: number;
  /** Upper bound on the delay. */
  maxMs: number;
  /** Growth per restart within the window. */
  factor: number;
  /** Fraction of the delay drawn at random (0 = none, 1 = full jitter). */
  jitter: number;
}

export interface RestartBudgetOptions {
  /** Restarts allowed within `windowMs`; one more escalates. */
  maxRestarts: number;
  windowMs: number;
}

export interface SupervisionStrategy {
  /** Chooses the directive for one failure. */
  decide(cause: unknown): Directive;
  backoff: BackoffOptions;
  budget: RestartBudgetOptions;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 30_000, factor: 2, jitter: 0.5 };
export const DEFAULT_BUDGET: RestartBudgetOptions = { maxRestarts: 5, windowMs: 60_000 };

export function defaultStrategy(overrides: Partial<SupervisionStrategy> = {}): SupervisionStrategy {
  return { decide: () => 'restart', backoff: DEFAULT_BACKOFF, budget: DEFAULT_BUDGET, ...overrides };
}

/** The delay before restart number `attempt` (0-based) within a window. */
export function backoffDelay(options: BackoffOptions, attempt: number, random: () => number = Math.random): number {
  const full = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(full * (1 - options.jitter * random()));
}

/** Restarts within a sliding window; `tryTake` says whether one more is allowed now. */
export class RestartBudget {
  private readonly times: number[] = [];

  constructor(private readonly options: RestartBudgetOptions) {}

  /** Restarts taken within the window that ends at `now`. */
  used(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.options.windowMs) this.times.shift();
    return this.times.length;
  }

  /** Takes one restart if the window has room; false means the budget is spent. */
  tryTake(now: number): boolean {
    if (this.used(now) >= this.options.maxRestarts) return false;
    this.times.push(now);
    return true;
  }

  reset(): void {
    this.times.length = 0;
  }
}
