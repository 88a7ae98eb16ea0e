/**
 * Compiles the hub as it ships: src/main.ts (and the GPIO simulation's kernel host, a script
 * the hub spawns) bundled by esbuild into a few ES module chunks in dist/, with the pure
 * JavaScript libraries it needs at start (mqtt, zod, prom-client, yaml, commander, …) inlined.
 * One file per module, a hub opened some 750 JavaScript files in its first seconds (bundled: 250,
 * most of them the radio libraries'); on an SD card that is much of a restart. A radio's code stays in chunks of its own, loaded only
 * when the radio is enabled (dynamic imports split), and the libraries in EXTERNAL are loaded
 * from node_modules as they are: native code, worker-thread entry files, files read beside
 * their own modules (zwave-js's device configs, herdsman's adapters), or loaded only by a radio.
 *
 * `npm run build` runs this (then the web page into dist/web/); the tests' global setup and the
 * benches that measure the compiled hub bundle their hub entries through `bundleHub` the same way.
 *
 * Usage: tsx scripts/hub-bundle.ts [--out DIR]   (default dist/)
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** Loaded from node_modules, never inlined (see the header); a name covers its subpaths. */
export const EXTERNAL = [
  'zigbee-herdsman',
  'zigbee-herdsman-converters',
  'zwave-js',
  '@zwave-js/*',
  'serialport',
  '@serialport/*',
  'onoff',
  'epoll',
  'unix-dgram',
  'pino',
  'pino-pretty',
  'thread-stream',
  'aedes',
  'winston-transport',
  // dev tools a test or bench entry may name; never part of a hub
  'esbuild',
  'vitest',
  'tsx',
  'playwright-core',
];

/** The hub's entry points, named as their bundles are: dist/main.js, dist/kernel-host.js. */
export const HUB_ENTRIES: Record<string, string> = {
  main: join(repoRoot, 'src/main.ts'),
  // spawned by src/radios/gpio/simulator/namespace.ts from beside its own chunk
  'kernel-host': join(repoRoot, 'src/radios/gpio/simulator/kernel-host.ts'),
};

/**
 * Bundles `entries` (name → .ts file) into `outdir` as the release's dist/ is bundled.
 * The bundled CommonJS libraries call `require`; an ES module has none, so each chunk makes one.
 */
export async function bundleHub(outdir: string, entries: Record<string, string> = HUB_ENTRIES): Promise<void> {
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: EXTERNAL.flatMap((name) => (name.endsWith('/*') ? [name] : [name, `${name}/*`])),
    banner: { js: "import { createRequire as __hearthRequire } from 'node:module'; const require = __hearthRequire(import.meta.url);" },
    // beside the entries: a chunk finds kernel-host.js next to itself
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--out');
  const out = at === -1 ? join(repoRoot, 'dist') : (process.argv[at + 1] as string);
  // an earlier build's modules and chunks go; the web page (rebuilt after this by
  // scripts/web-build.ts) and dot files (scripts/start's build stamps) stay
  await mkdir(out, { recursive: true });
  for (const entry of await readdir(out)) {
    if (entry !== 'web' && !entry.startsWith('.')) await rm(join(out, entry), { recursive: true, force: true });
  }
  await bundleHub(out);
}
