/**
 * Builds the web page (web/, Preact with Vite) into dist/web/ (or the folder given: `--out DIR`)
 * and holds it to its budget: every file it ships, gzipped, adds up to at most 200 KB, and the
 * index.html carries no inline script (the page's CSP forbids them). Prints one JSON line with
 * the sizes; exits 1 over budget or with an inline script. `npm run build` runs it after tsc;
 * the browser tests build the page through `buildWebPage` into a folder of their own.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WEB_BUDGET_BYTES = 200 * 1024;
const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export interface WebBuild {
  outDir: string;
  files: Record<string, { bytes: number; gzip: number }>;
  gzipTotal: number;
  problems: string[];
}

/** Every file under dir with its size and gzipped size, and what breaks the page's rules. */
export async function measureWebPage(outDir: string): Promise<WebBuild> {
  const files: WebBuild['files'] = {};
  let gzipTotal = 0;
  for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const body = await readFile(path);
    const gzip = gzipSync(body, { level: 9 }).length;
    files[relative(outDir, path)] = { bytes: body.length, gzip };
    gzipTotal += gzip;
  }
  const problems: string[] = [];
  if (gzipTotal > WEB_BUDGET_BYTES)
    problems.push(`the page's assets are ${gzipTotal} bytes gzipped, over the budget of ${WEB_BUDGET_BYTES}`);
  const index = files['index.html'] === undefined ? '' : await readFile(join(outDir, 'index.html'), 'utf8');
  if (index === '') problems.push('no index.html was built');
  for (const tag of index.match(/<script\b[^>]*>/g) ?? [])
    if (!/\bsrc=/.test(tag)) problems.push(`index.html has an inline script: ${tag}`);
  if (/\son[a-z]+\s*=/i.test(index)) problems.push('index.html has an inline event handler');
  if (/https?:\/\//.test(index)) problems.push('index.html refers to another site');
  return { outDir, files, gzipTotal, problems };
}

/** Builds web/ into outDir with Vite and measures it. */
export async function buildWebPage(outDir = join(repoRoot, 'dist', 'web')): Promise<WebBuild> {
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'web', 'vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
  return measureWebPage(outDir);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--out');
  const result = await buildWebPage(at === -1 ? undefined : process.argv[at + 1]);
  console.log(JSON.stringify({ web_gzip_bytes: result.gzipTotal, budget_bytes: WEB_BUDGET_BYTES, files: result.files }));
  if (result.problems.length > 0) {
    for (const problem of result.problems) console.error(`web-build: ${problem}`);
    process.exit(1);
  }
}
