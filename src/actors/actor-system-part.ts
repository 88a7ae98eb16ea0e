/**
 * The actor system as a hub part: built from the `actors` config, started with the hub (the
 * idle sweep), and stopped after the parts that send to it, saving every actor's state. Its
 * health report counts live and passivated actors and the failures so far.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HearthConfig } from '../config/schema.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { ActorSystem } from './actor-system.js';
import type { SnapshotStore } from './snapshot-store.js';

export class ActorSystemPart implements Part {
  readonly name = 'actors';
  readonly system: ActorSystem;
  private running = false;

  constructor(config: HearthConfig['actors'], log: Logger, metrics: Registry, store?: SnapshotStore) {
    this.system = new ActorSystem({ log, metrics, config, ...(store === undefined ? {} : { store }) });
  }

  start(): Promise<void> {
    this.system.start();
    this.running = true;
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.system.shutdown();
  }

  health(): PartHealth {
    if (!this.running) return { status: 'stopped' };
    const totals = this.system.metrics.totals();
    return {
      status: 'ok',
      registered: this.system.size,
      active: this.system.activeCount,
      failures: totals.failures,
      escalations: totals.escalations,
    };
  }
}
