/**
 * For the benches that measure the compiled hub (idle, restart, memory, wear, web): src/,
 * test/support/ and scripts/bench/ compiled as they are now (esbuild, one file per file) into a
 * tree that mirrors the repository inside node_modules/.cache, so a bench's child runs on plain
 * node with no tsx hooks in the process; and the hubs (src/main.ts, the lean and wear hubs)
 * bundled into its dist/ as `npm run build` bundles the release (scripts/hub-bundle.ts).
 */
import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleHub, HUB_ENTRIES } from '../hub-bundle.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The benches' hubs, run from the bundle; every other script runs one file per module. */
const BUNDLED = ['scripts/bench/_lean-hub.ts', 'scripts/bench/_wear-hub.ts'];

/** Compiles the tree; resolves the path of `script` (repository-relative .ts) in it. */
export async function compiledTree(): Promise<{ out: string; script: (path: string) => string; remove: () => Promise<void> }> {
  const out = join(repoRoot, 'node_modules', '.cache', 'hearth-bench-build', String(process.pid));
  await rm(out, { recursive: true, force: true });
  const sources: string[] = [];
  for (const folder of ['src', 'test/support', 'scripts/bench']) {
    for (const file of await readdir(join(repoRoot, folder), { recursive: true })) {
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) sources.push(join(repoRoot, folder, file));
    }
  }
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: sources,
    outdir: out,
    outbase: repoRoot,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    logLevel: 'warning',
  });
  // the hubs bundled as the release's dist/ is (scripts/hub-bundle.ts): what they measure is what ships
  await bundleHub(join(out, 'dist'), {
    ...HUB_ENTRIES,
    ...Object.fromEntries(BUNDLED.map((path) => [basename(path, '.ts'), join(repoRoot, path)])),
  });
  await cp(join(repoRoot, 'package.json'), join(out, 'package.json'));
  await symlink(relative(out, join(repoRoot, 'hardware')), join(out, 'hardware'));
  return {
    out,
    script: (path) =>
      path === 'src/main.ts' || BUNDLED.includes(path)
        ? join(out, 'dist', `${basename(path, '.ts')}.js`)
        : join(out, `${path.slice(0, -'.ts'.length)}.js`),
    remove: () => rm(out, { recursive: true, force: true }),
  };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name (which may hold spaces), from field 3 on
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}
