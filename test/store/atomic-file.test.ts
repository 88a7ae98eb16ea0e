import { LineChild } from '../support/line-child.js';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from '../../src/store/atomic-file.js';
import { diskStats } from '../../src/store/disk-stats.js';
import { tempDir } from '../support/temp-dir.js';

describe('writeFileAtomic', () => {
  it('replaces a file, keeping the one it replaced as .prev, and fsyncs file and directory', async () => {
    const dir = await tempDir();
    const path = join(dir, 'registry.json');
    await writeFileAtomic(path, '{"v":1}', { keepPrevious: true });
    const before = diskStats.fsyncs;
    await writeFileAtomic(path, '{"v":2}', { keepPrevious: true });
    expect(diskStats.fsyncs - before).toBe(2);
    expect(await readFile(path, 'utf8')).toBe('{"v":2}');
    expect(await readFile(`${path}.prev`, 'utf8')).toBe('{"v":1}');
    expect((await readdir(dir)).sort()).toEqual(['registry.json', 'registry.json.prev']);
  });

  it('leaves the old file in place and no temp behind when the write fails', async () => {
    const dir = await tempDir();
    const path = join(dir, 'registry.json');
    await writeFile(path, 'old');
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'x.json'), 'new')).rejects.toThrow(/ENOENT/);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['registry.json']);
  });

  it('removes only the temp files a crash left behind', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'registry.json.tmp-123-4'), 'half');
    await writeFile(join(dir, 'registry.json'), 'whole');
    await writeFile(join(dir, 'notes.tmp'), 'not ours');
    expect(await removeStaleTemps(dir)).toEqual(['registry.json.tmp-123-4']);
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp', 'registry.json']);
  });

  it('never leaves an unreadable file when the writer is killed with SIGKILL mid-write, again and again', async () => {
    const writer = fileURLToPath(new URL('fixtures/atomic-writer.ts', import.meta.url));
    const dir = await tempDir();
    const path = join(dir, 'registry.json');
    const generations: number[] = [];
    for (let kill = 0; kill < 8; kill++) {
      await LineChild.crashAfter(writer, [path], () => undefined, 30, 150);
      const document = JSON.parse(await readFile(path, 'utf8')) as { generation: number; devices: unknown[] };
      expect(document.devices).toHaveLength(2000);
      generations.push(document.generation);
      await removeStaleTemps(dir);
      expect((await readdir(dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
    }
    expect(generations.some((generation) => generation > 0)).toBe(true);
  }, 60_000);
});
