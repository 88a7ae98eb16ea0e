/**
 * The schema's defaults for tests and benches that build a class directly, so they run on the
 * values the hub runs on (src/config/schema.ts is their one source), with only what the test
 * changes changed.
 */
import type { Logger } from 'pino';
import { configSchema, type HearthConfig, type HearthConfigInput } from '../../src/config/schema.js';
import type { DeviceStateStoreOptions } from '../../src/store/device-state-store.js';

/** One config section as the schema resolves it from nothing (a fresh copy each call). */
export function defaultsOf<K extends keyof HearthConfig>(section: K): HearthConfig[K] {
  return configSchema.parse({})[section];
}

/** The `actors` section with a test's changes, checked by the schema (restart merged key by key). */
export function actorsConfig(changes: NonNullable<HearthConfigInput['actors']> = {}): HearthConfig['actors'] {
  return configSchema.parse({ actors: changes }).actors;
}

/** Options of a DeviceStateStore in `dir` from the `store` defaults, as the hub maps them, with a test's changes. */
export function stateStoreOptions(dir: string, log: Logger, changes: Partial<DeviceStateStoreOptions> = {}): DeviceStateStoreOptions {
  const store = defaultsOf('store');
  return {
    dir,
    log,
    shards: store.stateShards,
    batchIntervalMs: store.journalBatchMs ?? store.maxLossMs,
    maxLossMs: store.maxLossMs,
    compactIntervalMs: store.compactIntervalMs,
    compactAfterDevices: store.compactAfterDevices,
    ...changes,
  };
}
