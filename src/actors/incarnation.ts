/**
 * The calls into an actor's own code besides `receive`: building an incarnation (the last
 * snapshot, the kind's create, onStart, and onRestart after a failure), saving its snapshot
 * (onPassivate, then the store) and onStop. The cell decides when; this module makes the calls.
 */
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { Actor, ActorContext, AnyActorKind } from './types.js';

export interface IncarnationSpec {
  kind: AnyActorKind;
  id: string;
  store: SnapshotStore;
  context: () => ActorContext<unknown>;
  /** Set for an incarnation after a failure: onRestart gets it. */
  restart: { cause: unknown } | undefined;
  /** False once the cell has moved on: the build stops between steps, and resolves undefined. */
  wanted: () => boolean;
}

/** A new incarnation, started; undefined when it is no longer wanted. Throws what a step threw. */
export async function buildIncarnation(spec: IncarnationSpec): Promise<Actor<unknown> | undefined> {
  const snapshot = await spec.store.load(spec.kind.name, spec.id);
  if (!spec.wanted()) return undefined;
  const instance = spec.kind.create(spec.context(), snapshot) as Actor<unknown>;
  if (instance.onStart !== undefined) await instance.onStart();
  if (!spec.wanted()) return undefined;
  if (spec.restart !== undefined && instance.onRestart !== undefined) await instance.onRestart(spec.restart.cause);
  return spec.wanted() ? instance : undefined;
}

/** Saves what onPassivate returns (nothing when it returns undefined). Throws what either threw. */
export async function saveSnapshot(instance: Actor<unknown>, store: SnapshotStore, kind: string, id: string): Promise<void> {
  const snapshot = instance.onPassivate === undefined ? undefined : await instance.onPassivate();
  if (snapshot !== undefined) await store.save(kind, id, snapshot);
}

/** Runs onStop; a failure is logged, not thrown. */
export async function runOnStop(instance: Actor<unknown>, log: Logger, id: string): Promise<void> {
  try {
    await instance.onStop?.();
  } catch (error) {
    log.warn({ err: error }, `onStop of ${id} failed: ${describeError(error)}`);
  }
}
