/**
 * Once before the suite: builds zwave-js's device-config index (it writes it into its own
 * package on first use, ~3 s), so that test files starting Z-Wave drivers in parallel never
 * race to write it; and compiles src/ and test/ as they are now (esbuild, one file per file,
 * no bundling) into a build of this run, from which the tests start their child processes
 * (the crash tests' writers, fixtures) with plain node: tsx would compile and hook every
 * module again at every spawn (test/support/built.ts); and `hearth start` bundled there as
 * the release bundles it (scripts/hub-bundle.ts: the build's dist/main.js). The build is
 * removed after the run.
 * On Node 22.1 and later, the workers and every child they start share one V8 compile cache
 * in the build (NODE_COMPILE_CACHE; Node 20 ignores it): each of them loads zwave-js,
 * herdsman and the converters, and compiling them again costs about a sixth of that.
 * It also builds the web page once (Vite, ~2 s of CPU), which every browser test serves.
 */
import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigManager } from '@zwave-js/config';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { bundleHub } from '../../scripts/hub-bundle.js';
import { buildWebPage, type WebBuild } from '../../scripts/web-build.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory that mirrors the repository with src/ and test/ compiled to .js (test/support/built.ts). */
    hearthBuild: string;
    /** The web page built once for the run (scripts/web-build.ts), which the browser tests serve (test/web/browser.ts). */
    hearthWebPage: WebBuild;
  }
}

/** src/ and test/ compiled into `out`, which mirrors the repository: what the modules read beside them (package.json, hardware/) is there too. */
async function buildTree(out: string): Promise<void> {
  const sources: string[] = [];
  for (const folder of ['src', 'test']) {
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
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // the hub itself as it ships: bundled into dist/ (scripts/hub-bundle.ts), which `hearth start` runs from
  await bundleHub(join(out, 'dist'));
  // "type": "module" and the version for src/version.ts; the hardware tables for src/hardware
  await cp(join(repoRoot, 'package.json'), join(out, 'package.json'));
  await symlink(relative(out, join(repoRoot, 'hardware')), join(out, 'hardware'));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // inside node_modules: ignored by git and by .ci/run's copy, and packages resolve from there as from src/
  const out = join(repoRoot, 'node_modules', '.cache', 'hearth-test-build', String(process.pid));
  await rm(out, { recursive: true, force: true });
  const [, , webPage] = await Promise.all([buildTree(out), new ConfigManager().loadDeviceIndex(), buildWebPage(join(out, 'web-page'))]);
  project.provide('hearthBuild', out);
  project.provide('hearthWebPage', webPage);
  // read by the workers vitest forks after this setup, and by what they spawn with process.env
  process.env.NODE_COMPILE_CACHE ??= join(out, '.node-compile-cache');
  // a child still writing its compile cache as the run ends makes rmdir fail (ENOTEMPTY): retry, and a
  // build left in node_modules/.cache is harmless (the next run starts by removing it)
  return () => rm(out, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
}
