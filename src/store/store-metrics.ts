/**
 * The store's metrics on the hub's registry: fsyncs and bytes the store asked of the disk,
 * devices changed since the last snapshot, torn or corrupt journal records found at start-up,
 * and the files found damaged.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { diskStats } from './disk-stats.js';
import type { DamageKind, StoreDamage } from './store-damage.js';

const DAMAGE_KINDS: readonly DamageKind[] = ['journal', 'snapshot_shard', 'document'];

export function registerStoreMetrics(registry: Registry, source: { tailSize(): number; damage: StoreDamage }): void {
  new Counter({
    name: 'hearth_store_fsyncs_total',
    help: 'fsync and fdatasync calls made by the store.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(diskStats.fsyncs);
    },
  });
  new Counter({
    name: 'hearth_store_bytes_written_total',
    help: 'Bytes the store wrote (journal records and whole-file replacements).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(diskStats.bytesWritten);
    },
  });
  new Gauge({
    name: 'hearth_store_state_tail_devices',
    help: 'Devices whose state changed since the last snapshot (kept in memory until compaction).',
    registers: [registry],
    collect() {
      this.set(source.tailSize());
    },
  });
  new Gauge({
    name: 'hearth_store_journal_corrupt_records_at_start',
    help: 'Torn or corrupt journal records found at start-up (skipped, or cut off at the end) in every journal: device state and the outbox.',
    registers: [registry],
    collect() {
      this.set(source.damage.journalRecords);
    },
  });
  new Gauge({
    name: 'hearth_store_damaged_files',
    help: 'Files found damaged since start (journal segments with a bad record, snapshot shards, documents such as registry shards), by kind; /health names them.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const kind of DAMAGE_KINDS) this.set({ kind }, source.damage.count(kind));
    },
  });
}
