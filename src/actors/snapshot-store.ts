/**
 * Where passivated actors keep their state. The runtime saves the snapshot an actor returns
 * from onPassivate and hands it back when the actor is next activated (or restarted). This
 * module holds the interface and an in-memory store, the one the hub uses: device actors keep
 * their state in the device state store (src/store) and hand the runtime no snapshot.
 */

export interface SnapshotStore {
  /** The last snapshot saved for the actor, or undefined when there is none. */
  load(kind: string, id: string): Promise<unknown>;
  save(kind: string, id: string, snapshot: unknown): Promise<void>;
  delete(kind: string, id: string): Promise<void>;
}

/** Keeps snapshots in a Map, as they are (no copy): for tests and for a hub without a store. */
export class InMemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, unknown>();

  private static key(kind: string, id: string): string {
    return `${kind}\u0000${id}`;
  }

  get size(): number {
    return this.snapshots.size;
  }

  load(kind: string, id: string): Promise<unknown> {
    return Promise.resolve(this.snapshots.get(InMemorySnapshotStore.key(kind, id)));
  }

  save(kind: string, id: string, snapshot: unknown): Promise<void> {
    this.snapshots.set(InMemorySnapshotStore.key(kind, id), snapshot);
    return Promise.resolve();
  }

  delete(kind: string, id: string): Promise<void> {
    this.snapshots.delete(InMemorySnapshotStore.key(kind, id));
    return Promise.resolve();
  }
}
