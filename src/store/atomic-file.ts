/**
 * Durable whole-file replacement: write a temp file beside the target, fsync it, keep the old
 * file as `<name>.prev` (the last good copy), rename the temp over the target and fsync the
 * directory, so a crash or power cut at any point leaves either the old or the new file, never
 * a torn one. Temp files left by a crash are removed by `removeStaleTemps`.
 */
import { link, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { diskStats } from './disk-stats.js';

const TEMP_MARK = '.tmp-';
let counter = 0;

/** fsync a directory, so a rename or a new file in it survives a power cut. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
    diskStats.fsyncs++;
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /** Keep the replaced file as `<path>.prev`. */
  keepPrevious?: boolean;
  mode?: number;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = `${path}${TEMP_MARK}${process.pid}-${counter++}`;
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  try {
    const handle = await open(temp, 'w', options.mode ?? 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
      diskStats.fsyncs++;
      diskStats.bytesWritten += bytes.byteLength;
      diskStats.filesWritten++;
    } finally {
      await handle.close();
    }
    if (options.keepPrevious === true) await keepPrevious(path);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(dirname(path));
}

/** Hard-links the current file as `<path>.prev` (replacing an older one); nothing if absent. */
async function keepPrevious(path: string): Promise<void> {
  const previous = `${path}.prev`;
  await unlink(previous).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await link(path, previous).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Removes temp files a crash left in `dir` (only ours: `<name>.tmp-<pid>-<n>`). */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return removed;
    throw error;
  }
  for (const name of names) {
    if (!/\.tmp-\d+-\d+$/.test(name)) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed.push(basename(name));
  }
  return removed;
}
