/**
 * The store's metrics on the hub's registry: fsyncs and bytes the store asked of the disk,
 * devices changed since the last snapshot, and torn or corrupt journal records found at
 * start-up.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { diskStats } from './disk-stats.js';

export function registerStoreMetrics(registry: Registry, source: { tailSize(): number; corruptAtStart(): number }): void {
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
    help: 'Torn or corrupt journal records found (and cut) at start-up.',
    registers: [registry],
    collect() {
      this.set(source.corruptAtStart());
    },
  });
}
