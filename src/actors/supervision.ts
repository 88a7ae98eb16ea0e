/**
 * Supervision: what happens when an actor's handler throws or rejects. A strategy decides per
 * failure: resume (keep state, go on), restart (a new incarnation from the last snapshot, after
 * the hub's one exponential backoff with jitter, src/lifecycle/backoff.ts), stop, or escalate
 * to the system. Restarts draw on a budget per sliding time window; the window slides, so the
 * budget refills and an actor that fails once a week lives forever (the predecessor's counter
 * never reset). A spent budget escalates. The delays and the budget come from the
 * `actors.restart` config.
 */
import type { HearthConfig } from '../config/schema.js';

export type Directive = 'resume' | 'restart' | 'stop' | 'escalate';

export interface BackoffOptions {
  /** Delay before the first restart in a window; it doubles per restart, with jitter. */
  initialMs: number;
  /** Upper bound on the delay. */
  maxMs: number;
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

/** The system's strategy, from the `actors.restart` config: restart on every failure. */
export function strategyFrom(restart: HearthConfig['actors']['restart']): SupervisionStrategy {
  return {
    decide: () => 'restart',
    backoff: { initialMs: restart.backoffInitialMs, maxMs: restart.backoffMaxMs },
    budget: { maxRestarts: restart.maxRestarts, windowMs: restart.windowMs },
  };
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
