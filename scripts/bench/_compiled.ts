/**
 * For the benches that measure the compiled hub (idle, restart, memory): src/, test/support/
 * and scripts/bench/ compiled as they are now (esbuild, one file per file, no bundling, as
 * `npm run build` and the tests' build do) into a tree that mirrors the repository inside
 * node_modules/.cache, so a bench's child runs on plain node with no tsx hooks in the process.
 */
import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

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
  await cp(join(repoRoot, 'package.json'), join(out, 'package.json'));
  await symlink(relative(out, join(repoRoot, 'hardware')), join(out, 'hardware'));
  return {
    out,
    script: (path) => join(out, `${path.slice(0, -'.ts'.length)}.js`),
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
