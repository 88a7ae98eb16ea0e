/**
 * The shapes an actor author deals with: an ActorKind (a factory plus per-kind mailbox,
 * supervision and passivation settings), the Actor it creates (a receive handler plus
 * lifecycle hooks), the context an actor gets, and the reference others send through.
 */
import type { Logger } from 'pino';
import type { OverflowPolicy } from './mailbox.js';
import type { SupervisionStrategy } from './supervision.js';

export interface AskOptions {
  /** Reject with ASK_TIMEOUT after this long; the system default when unset. */
  timeoutMs?: number;
  /** Reject with ASK_ABORTED when this aborts. */
  signal?: AbortSignal;
}

export interface ActorRef<M, R = unknown> {
  readonly id: string;
  /** Fire and forget. Throws ACTOR_NOT_FOUND or MAILBOX_FULL (reject policy) synchronously. */
  tell(message: M): void;
  /** Resolves with what the handler returns for `message`. */
  ask(message: M, options?: AskOptions): Promise<R>;
}

export interface ActorContext<M, R = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly self: ActorRef<M, R>;
  /** A logger tagged with the actor's kind and id. */
  readonly log: Logger;
}

export interface Actor<M, R = unknown, S = unknown> {
  /**
   * Handles one message; the return value (or what its promise resolves to) answers an ask.
   * Messages are handled one at a time, in order, async handlers included.
   */
  receive(message: M): R | Promise<R>;
  /** Runs before the first message of each incarnation (activation and restart). */
  onStart?(): void | Promise<void>;
  /** Runs when the actor stops for good, and on the old incarnation before a restart. */
  onStop?(): void | Promise<void>;
  /** Returns the state to keep while passivated; undefined keeps nothing. */
  onPassivate?(): S | undefined | Promise<S | undefined>;
  /** Runs on a new incarnation after a failure, after onStart. */
  onRestart?(cause: unknown): void | Promise<void>;
}

export interface ActorKind<M, R = unknown, S = unknown> {
  /** The kind's name: a metrics label and part of the snapshot key. */
  readonly name: string;
  /** Builds an incarnation; `snapshot` is the last saved state, or undefined. */
  create(context: ActorContext<M, R>, snapshot: S | undefined): Actor<M, R, S>;
  /** Mailbox bound and overflow policy; the system defaults when unset. */
  readonly mailbox?: { capacity?: number; overflow?: OverflowPolicy };
  readonly supervision?: Partial<SupervisionStrategy>;
  /** Whether idle or least-recently-used actors of this kind may be passivated (default true). */
  readonly passivate?: boolean;
  /**
   * Errors that refuse a message rather than show the actor broken (an invalid command, a
   * radio that said no): the ask fails with the error itself, the actor goes on, and no
   * supervision, failure count or warning follows.
   */
  readonly isRejection?: (error: unknown) => boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActorKind = ActorKind<any, any, any>;
