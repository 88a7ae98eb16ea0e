/**
 * Benchmark `startup`: how long the compiled hub (`node dist/main.js start`, demo profile,
 * embedded broker) takes from process start to its "hearth is ready" line, and its RSS then.
 * Side by side, a bare `node` that only loads and exits, so a reader can tell hearth's share
 * from Node's. Runs each RUNS times (default 5) and reports medians.
 *
 * Usage: npm run bench -- startup [runs]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const runs = Number(process.argv[2] ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs: expected a positive integer, got "${process.argv[2]}"`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (value: number) => Math.round(value * 10) / 10;

interface Sample {
  ready_ms: number;
  wall_ms: number;
  rss_mb: number;
}

async function oneStart(): Promise<Sample> {
  const home = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: join(home, 'state') };
  // Free ports: nothing answers there, so the demo runs its embedded broker, as on a fresh machine.
  env.HEARTH_UPLINK_PORT = String(await freePort());
  env.HEARTH_METRICS_PORT = String(await freePort());
  env.HEARTH_WEB_PORT = String(await freePort());
  env.HEARTH_LOGGING_FORMAT = 'json';
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js', 'start'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    return await new Promise<Sample>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "hearth is ready" within 60 s:\n${output}`)), 60_000);
      child.on('close', (code) => reject(new Error(`hearth exited (${code}) before ready:\n${output}`)));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        for (const raw of output.split('\n')) {
          if (!raw.includes('"hearth is ready"')) continue;
          const line = JSON.parse(raw) as { ready_ms: number; rss_mb: number };
          clearTimeout(timer);
          resolve({ ready_ms: line.ready_ms, rss_mb: line.rss_mb, wall_ms: performance.now() - started });
        }
      });
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('close', resolve) : resolve(undefined)));
    rmSync(home, { recursive: true, force: true });
  }
}

function bareNode(): { wall_ms: number; rss_mb: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage.rss()))'], { encoding: 'utf8' });
  return { wall_ms: performance.now() - started, rss_mb: Number(result.stdout) / 1048576 };
}

const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) throw new Error('npm run build failed');

const samples: Sample[] = [];
const bare: { wall_ms: number; rss_mb: number }[] = [];
for (let run = 0; run < runs; run++) {
  samples.push(await oneStart());
  bare.push(bareNode());
  process.stderr.write(`run ${run + 1}/${runs}: ready ${samples.at(-1)?.ready_ms} ms, rss ${samples.at(-1)?.rss_mb} MB\n`);
}

console.log(
  JSON.stringify({
    bench: 'startup',
    ready_ms: round(median(samples.map((s) => s.ready_ms))),
    rss_mb: round(median(samples.map((s) => s.rss_mb))),
    wall_ms: round(median(samples.map((s) => s.wall_ms))),
    ready_ms_max: round(Math.max(...samples.map((s) => s.ready_ms))),
    bare_node_wall_ms: round(median(bare.map((b) => b.wall_ms))),
    bare_node_rss_mb: round(median(bare.map((b) => b.rss_mb))),
    runs,
    node: process.version,
    profile: 'demo (embedded broker, radios simulated)',
  }),
);
