/**
 * The durable SnapshotStore for the actor runtime's passivation: each snapshot is a state
 * change in its own journal (group-committed, compacted into snapshot shards), so `save`
 * resolves only once the snapshot is on disk, and a passivated actor's state survives a crash.
 * Device actors keep their state in the device state store instead; this serves every other
 * kind. As a hub part it opens before the actor system and closes after it.
 */
import type { Logger } from 'pino';
import type { SnapshotStore } from '../actors/snapshot-store.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { DeviceStateStore } from './device-state-store.js';
import { damageHealth, type StoreDamage } from './store-damage.js';

export class JournaledSnapshotStore implements SnapshotStore, Part {
  readonly name = 'snapshots';
  private store: DeviceStateStore | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly batchIntervalMs = 200,
    /** Where damage found on disk is reported (area "snapshots"). */
    private readonly damage?: StoreDamage,
  ) {}

  async start(): Promise<void> {
    this.store = await DeviceStateStore.open({ dir: this.dir, log: this.log, batchIntervalMs: this.batchIntervalMs, shards: 16, area: 'snapshots', ...(this.damage === undefined ? {} : { damage: this.damage }) });
  }

  async stop(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
  }

  health(): PartHealth {
    if (this.store === undefined) return { status: 'stopped' };
    return { status: 'ok', pending: this.store.tailSize, ...damageHealth(this.damage?.findings((area) => area === 'snapshots') ?? []) };
  }

  private opened(): DeviceStateStore {
    if (this.store === undefined) throw new Error('the snapshot store is not open');
    return this.store;
  }

  private static key(kind: string, id: string): string {
    return `${kind}/${id}`;
  }

  async load(kind: string, id: string): Promise<unknown> {
    return (await this.opened().get(JournaledSnapshotStore.key(kind, id)))?.values.snapshot;
  }

  async save(kind: string, id: string, snapshot: unknown): Promise<void> {
    await this.opened().record(JournaledSnapshotStore.key(kind, id), { values: { snapshot } });
  }

  async delete(kind: string, id: string): Promise<void> {
    await this.opened().forget(JournaledSnapshotStore.key(kind, id));
  }
}
