/**
 * Benchmark `faults`: a soak of the hub under radio faults (not part of the test suite). Runs
 * the demo's three simulated radios with the device actors, the outbox and a Mosquitto it
 * starts, for a given time, while faults are injected at random through the simulators (a
 * Z-Wave controller that hangs, a node out of range, a stick pulled out and plugged in again, a
 * Zigbee coordinator that fails or hangs, a Zigbee device gone silent, GPIO pins that fail or
 * hang) and a command goes to a random device every 100 ms (scripts/bench/_faults-hub.ts, in a
 * child process). If that
 * process dies it is started again on the same state and counted in `process_restarts`: the
 * target is none. RSS is taken after the warm-up and at the end (after a GC); the target is
 * growth of at most 10 % over a 10-minute run.
 *
 * - commands_failed_fast: refused at once (CIRCUIT_OPEN, RADIO_UNAVAILABLE, RADIO_BUSY) in
 *   under 5 ms; commands_failed_slow: every other failure (a fault met mid-command);
 * - recoveries: breakers that closed and radios that ran again, as bridge/event told it.
 *
 * Usage: npm run bench -- faults [seconds, default 600] [warm-up seconds, default 30]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.js';
import { launchMosquitto } from './_mosquitto.js';

const seconds = Number(process.argv[2] ?? 600);
const warmup = Number(process.argv[3] ?? Math.min(30, Math.floor(seconds / 4)));
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-faults-'));
const hubScript = fileURLToPath(new URL('_faults-hub.ts', import.meta.url));
let broker: ChildProcess | undefined;

interface Counts {
  faults_injected: number;
  recoveries: number;
  commands_ok: number;
  commands_failed_fast: number;
  commands_failed_slow: number;
  fast_fail_p99_ms: number;
  rss_mb_start: number;
  rss_mb_end: number;
}

/** Runs the hub for `runSeconds`; resolves with its counts, or undefined when it died. */
function runHub(port: number, runSeconds: number): Promise<Counts | undefined> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', hubScript, String(port), join(scratch, 'state'), String(runSeconds), String(warmup)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1);
      resolve(code === 0 && last !== undefined && last.startsWith('{') ? (JSON.parse(last) as Counts) : undefined);
    });
  });
}

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);
  const endAt = Date.now() + seconds * 1000;
  let restarts = 0;
  let counts: Counts | undefined;
  while (counts === undefined) {
    counts = await runHub(port, Math.max(20, Math.round((endAt - Date.now()) / 1000)));
    if (counts === undefined) {
      restarts++;
      process.stderr.write(`the hub process died; started again (${restarts})\n`);
      if (restarts > 5) throw new Error('the hub process keeps dying');
    }
  }
  console.log(
    JSON.stringify({
      bench: 'faults',
      seconds,
      faults_injected: counts.faults_injected,
      recoveries: counts.recoveries,
      commands_ok: counts.commands_ok,
      commands_failed_fast: counts.commands_failed_fast,
      commands_failed_slow: counts.commands_failed_slow,
      fast_fail_p99_ms: counts.fast_fail_p99_ms,
      process_restarts: restarts,
      rss_mb_start: counts.rss_mb_start,
      rss_mb_end: counts.rss_mb_end,
      rss_growth_pct: Math.round(((counts.rss_mb_end - counts.rss_mb_start) / counts.rss_mb_start) * 1000) / 10,
      node: process.version,
    }),
  );
} finally {
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
}
