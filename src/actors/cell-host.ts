/**
 * The contract between the ActorSystem and its cells: the settings every actor of a kind
 * shares, what a cell is built from, and the few things a cell asks of its system (schedule a
 * turn, the snapshot store, the clock, and one call per state change, from which the system
 * derives its registry, LRU order and counts).
 */
import type { Logger } from 'pino';
import type { KindStats } from './actor-metrics.js';
import type { Cell } from './cell.js';
import type { StateTag } from './cell-state.js';
import type { Dispatcher } from './dispatcher.js';
import type { MailboxOptions } from './mailbox.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { SupervisionStrategy } from './supervision.js';
import type { ActorContext, AnyActorKind } from './types.js';

/** What every actor of one kind shares, resolved once per kind. */
export interface KindSettings {
  readonly strategy: SupervisionStrategy;
  readonly mailbox: MailboxOptions;
  readonly stats: KindStats;
  /** Whether idle or least-recently-used actors of the kind may be passivated. */
  readonly passivatable: boolean;
}

/** What a cell needs from its system. */
export interface CellHost {
  readonly dispatcher: Dispatcher;
  readonly store: SnapshotStore;
  /** Monotonic milliseconds. */
  now(): number;
  /** The restart backoff's jitter, in [0, 1). */
  readonly random: () => number;
  /** The cell changed state (the only call that reports one). */
  transition(cell: Cell, from: StateTag, to: StateTag): void;
  /** The cell is taking a turn: it is now the most recently used. */
  touch(cell: Cell): void;
  /** A running cell went idle (a chance to enforce the active limit). */
  wentIdle(cell: Cell): void;
  /** An escalation: the system decides (the cell's restartNow or quarantine). */
  escalate(cell: Cell, cause: unknown): void;
  context(cell: Cell): ActorContext<unknown>;
  loggerFor(cell: Cell): Logger;
}

export interface CellOptions {
  id: string;
  kind: AnyActorKind;
  settings: KindSettings;
  host: CellHost;
}
