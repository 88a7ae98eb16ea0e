/**
 * Benchmark `idle`: what the compiled hub costs when nothing happens. The demo's radios (the
 * Z-Wave mock network, the GPIO pins) and a simulated Zigbee network of 200 devices (the zigbee
 * bench's mix), no demo activity, a Mosquitto of its own. A first life pairs the network; the
 * second starts on it as a hub after a restart does, settles, and then idles for SECONDS
 * (default 120): the CPU seconds it used then (utime + stime of the hub's process from
 * /proc/<pid>/stat) and its voluntary context switches (how often it woke up).
 *
 * With HEARTH_BENCH_CENSUS=1, the hub also counts what its timers ran (_timer-census.ts) and
 * writes that to stderr at the end (the census costs CPU itself: figures of such a run are off).
 * With HEARTH_BENCH_PROFILE=<file>, V8's sampling profiler runs over the idle window
 * (_cpu-profile.ts) and the result gets `profile`: milliseconds by whose code ran, the simulators'
 * apart (_profile-summary.ts; the profile is left in <file>). With HEARTH_BENCH_GC=1, V8 traces
 * its full collections (--trace-gc) and the result gets `gc`: how many ran in the idle window,
 * their main-thread milliseconds as V8 reports them, and why each ran (a count that load does not
 * change, where CPU seconds on a shared machine do). The measured hub's node runs with the
 * V8 settings of systemd/hearth.service's ExecStart, or NODE_FLAGS (`none`: none) (_unit-flags.ts).
 *
 * Usage: npm run bench -- idle [seconds] [zigbee devices]
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../test/support/ports.js';
import { compiledTree, cpuSeconds } from './_compiled.js';
import { LeanHubProcess, sleep } from './_lean-hub-process.js';
import { summariseProfile, type ProfileSummary } from './_profile-summary.js';
import { launchMosquitto } from './_mosquitto.js';
import { benchNodeFlags } from './_unit-flags.js';

const seconds = Number(process.argv[2] ?? 120);
const zigbee = Number(process.argv[3] ?? 200);
const nodeFlags = benchNodeFlags();
const SETTLE_MS = 5000;
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-idle-'));
const tree = await compiledTree();
let broker: ChildProcess | undefined;

async function wakeups(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** --trace-gc's lines of full collections: how many, V8's main-thread ms (pause + incremental steps), why. */
function gcSummary(lines: string[]): { full_gcs: number; main_thread_ms: number; reasons: string[] } {
  let ms = 0;
  const reasons = lines.map((line) => {
    const pause = Number(/MB, ([\d.]+) \/ [\d.]+ ms/.exec(line)?.[1] ?? 0);
    const steps = Number(/\(\+ ([\d.]+) ms in \d+ steps/.exec(line)?.[1] ?? 0);
    ms += pause + steps;
    return `${/: (Mark-Compact[^,]*?) [\d.]+ \(/.exec(line)?.[1] ?? 'Mark-Compact'}: ${/\) ([a-z][^()]*)$/.exec(line)?.[1]?.trim() ?? '?'}`;
  });
  return { full_gcs: lines.length, main_thread_ms: Math.round(ms), reasons };
}

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);
  const settings = { stateDir: join(scratch, 'state'), port, radios: 'all' as const, zigbee };
  const script = tree.script('scripts/bench/_lean-hub.ts');
  const first = new LeanHubProcess(script, settings);
  await first.next('ready');
  await first.stop();
  process.stderr.write(`${zigbee} Zigbee devices paired; the second life idles for ${seconds} s\n`);

  const census = process.env.HEARTH_BENCH_CENSUS === '1' ? ['--import', tree.script('scripts/bench/_timer-census.ts')] : [];
  const profileFile = process.env.HEARTH_BENCH_PROFILE;
  if (profileFile !== undefined) await rm(profileFile, { force: true });
  const profiler = profileFile === undefined ? [] : ['--import', tree.script('scripts/bench/_cpu-profile.ts')];
  const signalled = census.length + profiler.length > 0;
  const traceGc = process.env.HEARTH_BENCH_GC === '1' ? ['--trace-gc', '--trace-gc-ignore-scavenger'] : [];
  const hub = new LeanHubProcess(
    script,
    settings,
    [...nodeFlags, ...census, ...profiler, ...traceGc],
    profileFile === undefined ? {} : { HEARTH_BENCH_PROFILE: profileFile },
  );
  const fullGcs: string[] = [];
  let inWindow = false;
  if (traceGc.length > 0)
    createInterface({ input: hub.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (inWindow && line.includes('Mark-Compact')) fullGcs.push(line);
    });
  await hub.next('ready');
  await sleep(SETTLE_MS);
  if (signalled) hub.child.kill('SIGUSR2');
  const cpuBefore = await cpuSeconds(hub.pid);
  const wakeBefore = await wakeups(hub.pid);
  inWindow = true;
  await sleep(seconds * 1000);
  inWindow = false;
  const cpuS = (await cpuSeconds(hub.pid)) - cpuBefore;
  const woke = (await wakeups(hub.pid)) - wakeBefore;
  if (signalled) {
    if (census.length > 0) hub.child.stderr?.pipe(process.stderr);
    hub.child.kill('SIGUSR2');
    await sleep(500);
  }
  let profile: ProfileSummary | undefined;
  if (profileFile !== undefined) {
    for (let waited = 0; !existsSync(profileFile); waited += 100) {
      if (waited > 60_000) throw new Error(`no profile in ${profileFile} after a minute`);
      await sleep(100);
    }
    profile = summariseProfile(profileFile);
    process.stderr.write(`profile, most self time first:\n${profile.top_self.join('\n')}\n`);
  }
  await hub.stop();
  console.log(
    JSON.stringify({
      bench: 'idle',
      idle_s: seconds,
      cpu_s: Math.round(cpuS * 100) / 100,
      wakeups: woke,
      wakeups_per_s: Math.round((woke / seconds) * 10) / 10,
      zigbee_devices: zigbee,
      radios: 'zigbee (simulated), zwave (mock controller, demo nodes), gpio (in-process pins)',
      node: process.version,
      node_flags: nodeFlags.join(' '),
      ...(traceGc.length === 0 ? {} : { gc: gcSummary(fullGcs) }),
      ...(profile === undefined
        ? {}
        : { profile: { total_ms: profile.total_ms, simulator_ms: profile.simulator_ms, by_owner: profile.by_owner } }),
    }),
  );
} catch (error) {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exitCode = 1;
} finally {
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true, maxRetries: 5 });
  await tree.remove();
}
