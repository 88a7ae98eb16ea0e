/**
 * Counts what the store asks of the disk: fsync calls, bytes handed to write, snapshot shard files read. The store's
 * metrics and the `store` benchmark read these; the benchmark checks them against what the
 * kernel saw (/proc/self/io).
 */

export class DiskStats {
  fsyncs = 0;
  bytesWritten = 0;
  filesWritten = 0;
  shardReads = 0;
}

/** The process-wide counters. */
export const diskStats = new DiskStats();
