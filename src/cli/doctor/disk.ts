/**
 * Doctor: the state directory's disk — free space, and how fast it takes what the store does
 * (small appends each made durable with fdatasync, as the journal's group commits; one larger
 * write, as a snapshot compaction). An SD card that takes 100 ms per commit falls behind the
 * journal's 200 ms batches. The probe writes one temporary file in the directory and removes it.
 */
import { open, rm, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MB, mb, type CheckResult } from './check.js';

export const MIN_FREE_BYTES = 100 * MB;
export const SLOW_COMMIT_MS = 100;

/** The directory itself, or its nearest existing parent. */
async function existing(path: string): Promise<string> {
  let dir = path;
  for (;;) {
    try {
      await statfs(dir);
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return dir;
      dir = parent;
    }
  }
}

export async function checkDiskSpace(stateDir: string): Promise<CheckResult> {
  const dir = await existing(stateDir);
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  const total = stats.blocks * stats.bsize;
  const detail = `${mb(free)} free of ${mb(total)} on the file system of ${dir}`;
  if (free < MIN_FREE_BYTES)
    return {
      check: 'disk',
      ok: false,
      detail,
      fix: `free space on it (journalctl --vacuum-size=50M; apt-get clean): the store needs at least ${mb(MIN_FREE_BYTES)}`,
    };
  return { check: 'disk', ok: true, detail };
}

export interface WriteProbe {
  commitP50Ms: number;
  commitMaxMs: number;
  bulkMbPerS: number;
}

/** Writes `commits` 4 KiB appends, each followed by fdatasync, then 4 MiB and one fsync. */
export async function probeWrites(dir: string, commits = 10): Promise<WriteProbe> {
  const file = join(dir, `.hearth-doctor-${process.pid}.tmp`);
  const handle = await open(file, 'w', 0o600);
  try {
    const page = Buffer.alloc(4096, 0x61);
    const times: number[] = [];
    for (let i = 0; i < commits; i++) {
      const began = performance.now();
      await handle.write(page);
      await handle.datasync();
      times.push(performance.now() - began);
    }
    const bulk = Buffer.alloc(4 * MB, 0x62);
    const began = performance.now();
    await handle.write(bulk);
    await handle.sync();
    const seconds = (performance.now() - began) / 1000;
    times.sort((a, b) => a - b);
    return {
      commitP50Ms: times[Math.floor(times.length / 2)] ?? 0,
      commitMaxMs: times.at(-1) ?? 0,
      bulkMbPerS: 4 / Math.max(seconds, 1e-6),
    };
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
}

export async function checkWriteRate(stateDir: string): Promise<CheckResult> {
  let probe: WriteProbe;
  const dir = await existing(stateDir);
  const where = dir === stateDir ? stateDir : `${dir} (${stateDir} does not exist yet)`;
  try {
    probe = await probeWrites(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      check: 'disk writes',
      ok: true,
      detail: `not measured: cannot write in ${where} (${code}); run doctor as the user that runs hearth (sudo -u hearth hearth doctor) once it exists`,
    };
  }
  const detail = `${where}: a journal commit (4 KiB + fdatasync) takes ${probe.commitP50Ms.toFixed(1)} ms (slowest ${probe.commitMaxMs.toFixed(1)} ms), bulk writes ${probe.bulkMbPerS.toFixed(1)} MB/s`;
  if (probe.commitP50Ms > SLOW_COMMIT_MS) {
    return {
      check: 'disk writes',
      ok: false,
      detail,
      fix: `this card is slow (over ${SLOW_COMMIT_MS} ms per commit): use a better SD card (A1/A2 rated) or a USB SSD, or raise store.maxLossMs (fewer, larger commits)`,
    };
  }
  return { check: 'disk writes', ok: true, detail };
}
