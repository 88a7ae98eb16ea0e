/** The web page's build check (scripts/web-build.ts): over the 200 KB gzipped budget, an inline script or handler, or a link to another site fails it. */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureWebPage, WEB_BUDGET_BYTES } from '../../scripts/web-build.js';
import { tempDir } from '../support/temp-dir.js';

const PAGE = '<!doctype html><html><head><script type="module" src="./assets/a.js"></script></head><body></body></html>';

async function pageDir(index: string, assets: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await tempDir();
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), index);
  for (const [name, body] of Object.entries(assets)) await writeFile(join(dir, 'assets', name), body);
  return dir;
}

describe('the web page build check', () => {
  it('passes a page within budget and counts every file gzipped', async () => {
    const result = await measureWebPage(await pageDir(PAGE, { 'a.js': 'console.log(1);'.repeat(100) }));
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.files).sort()).toEqual(['assets/a.js', 'index.html']);
    expect(result.gzipTotal).toBe(Object.values(result.files).reduce((sum, file) => sum + file.gzip, 0));
    expect(result.files['assets/a.js']?.gzip).toBeLessThan(result.files['assets/a.js']?.bytes ?? 0);
  });

  it('fails a page over 200 KB gzipped', async () => {
    // random bytes do not compress: 210 KB of them are over the budget gzipped too
    const result = await measureWebPage(await pageDir(PAGE, { 'big.bin': randomBytes(210 * 1024) }));
    expect(result.gzipTotal).toBeGreaterThan(WEB_BUDGET_BYTES);
    expect(result.problems).toEqual([expect.stringContaining('over the budget of 204800')]);
  });

  it('fails an inline script, an inline handler and a link to another site', async () => {
    const index =
      '<html><head><script>alert(1)</script><script src="https://cdn.example/x.js"></script></head><body onload="go()"></body></html>';
    const result = await measureWebPage(await pageDir(index));
    expect(result.problems).toEqual([
      'index.html has an inline script: <script>',
      'index.html has an inline event handler',
      'index.html refers to another site',
    ]);
  });
});
