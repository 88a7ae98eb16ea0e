/**
 * The Node runtime of a release and of CI's Node 24 suite: one exact version per CPU with its
 * sha512 (scripts/node-runtime.tsv), never a floating `@24`; an archive that does not match the
 * recorded sha512 is refused (and dropped from the cache) before anything unpacks it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/hearth-process.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

async function pins(): Promise<{ arch: string; pkg: string; version: string; integrity: string }[]> {
  const text = await readFile(join(repoRoot, 'scripts/node-runtime.tsv'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [arch = '', pkg = '', version = '', integrity = ''] = line.split('\t');
      return { arch, pkg, version, integrity };
    });
}

describe('the pinned Node runtime', () => {
  it('pins one exact version, with a sha512, for both CPUs, and nothing installs a floating one', async () => {
    const pinned = await pins();
    expect(pinned.map((pin) => pin.arch).sort()).toEqual(['arm64', 'x64']);
    for (const pin of pinned) {
      expect(pin.pkg).toBe(`node-linux-${pin.arch}`);
      expect(pin.version).toMatch(/^24\.\d+\.\d+$/);
      expect(pin.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
    expect(new Set(pinned.map((pin) => pin.version)).size).toBe(1);
    for (const script of ['scripts/bundle', '.ci/run']) {
      const text = await readFile(join(repoRoot, script), 'utf8');
      expect(text, script).not.toMatch(/node-linux-[$\w{}-]*@24\b/);
      expect(text, script).toContain('scripts/node-runtime');
    }
  });

  it('refuses an archive whose sha512 is not the recorded one', async () => {
    const cache = await tempDir();
    const pin = (await pins()).find((entry) => entry.arch === 'x64');
    if (pin === undefined) throw new Error('no x64 pin');
    const dir = join(cache, `${pin.pkg}-${pin.version}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${pin.pkg}-${pin.version}.tgz`), 'not the archive npm recorded');
    const refused = await run('bash', [join(repoRoot, 'scripts/node-runtime'), 'x64', cache]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(`${pin.pkg}@${pin.version} does not match its recorded integrity`);
    expect(existsSync(join(dir, 'package'))).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
