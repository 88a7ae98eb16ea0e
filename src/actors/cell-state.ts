/**
 * The states of an actor's cell, each carrying only the data that belongs to it (an instance
 * exists only while running or passivating, a restart timer only while restarting, stop waiters
 * only while stopping), and the census: the counts of actors per state, changed only by
 * `Census.moved`, which the actor system calls for every transition.
 *
 *   activating ─┬─> running ──> passivating ──> dormant; or activating (messages came meanwhile);
 *   restarting ─┘     │   │                        or running again (the save failed)
 *        ^            │   └─> suspended (escalated) ──> restarting | dormant (the system decides)
 *        └────────────┴── a failure (restart): of a handler, or of a start-up
 *   any state but dormant and removed ──> stopping ──> removed
 *
 * A dormant cell is done with: the registry holds the actor's kind, and its next message builds
 * a new cell. Each state is a fresh object, so a continuation that finds another object in the
 * cell knows it is stale (no epoch counter).
 */
import type { KindStats } from './actor-metrics.js';
import type { Actor } from './types.js';

export type CellState =
  /** Building an incarnation (first message, or after a passivation with messages waiting). */
  | { readonly tag: 'activating' }
  /** After a failure: a backoff (`timer` set), then building the next incarnation (`timer` undefined). */
  | { readonly tag: 'restarting'; readonly cause: unknown; timer: NodeJS.Timeout | undefined }
  /** Handling messages; `inFlight` while an async handler runs (nothing else is handled then). */
  | { readonly tag: 'running'; readonly instance: Actor<unknown>; inFlight: boolean }
  /** Escalated: no incarnation, waiting for the system's word (restart or quarantine). */
  | { readonly tag: 'suspended'; readonly cause: unknown }
  /** Saving a snapshot before the incarnation is freed; `done` says whether it was. */
  | { readonly tag: 'passivating'; readonly instance: Actor<unknown>; done: Promise<boolean> }
  /** Stopping for good; `waiters` resolve once it is removed. */
  | { readonly tag: 'stopping'; readonly waiters: (() => void)[] }
  /** No incarnation; still registered, so the next message starts one. */
  | { readonly tag: 'dormant' }
  /** Gone from the registry. */
  | { readonly tag: 'removed' };

export type StateTag = CellState['tag'];
export type Running = Extract<CellState, { tag: 'running' }>;
export type Restarting = Extract<CellState, { tag: 'restarting' }>;
export type Passivating = Extract<CellState, { tag: 'passivating' }>;
export type Stopping = Extract<CellState, { tag: 'stopping' }>;

/** Whether a handler's result is async work to wait for. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Where an actor can be: a cell state, or not registered at all. */
export type Phase = StateTag | 'unregistered';

/** An actor with an incarnation, being built, or on its way out: it holds a Cell. */
export function isLive(phase: Phase): boolean {
  return phase !== 'dormant' && phase !== 'removed' && phase !== 'unregistered';
}

/** How many actors are live and passivating (for the active limit), and per kind live and dormant. */
export class Census {
  live = 0;
  passivating = 0;

  /** The one place the counts change: an actor of `stats`'s kind moved from `from` to `to`. */
  moved(stats: KindStats, from: Phase, to: Phase): void {
    const wasLive = isLive(from);
    if (wasLive !== isLive(to)) {
      const delta = wasLive ? -1 : 1;
      this.live += delta;
      stats.active += delta;
    }
    if (from === 'dormant') stats.dormant--;
    if (to === 'dormant') stats.dormant++;
    if (from === 'passivating') this.passivating--;
    if (to === 'passivating') this.passivating++;
  }

  /** Live actors not already on their way to passivation. */
  get staying(): number {
    return this.live - this.passivating;
  }
}
