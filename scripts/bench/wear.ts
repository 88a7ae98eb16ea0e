/**
 * Benchmark `wear`: what the compiled hub's store costs an SD card, and what a crash loses.
 * The zigbee bench's 200 simulated devices (herdsman's real Controller, the converters, the
 * actors, the state journal, the outbox, a Mosquitto of its own), state on a real file system
 * (checked with `stat -f`: not tmpfs). A first life pairs the network; the second reports
 * round-robin over every device, first at 1 report/10 s/device for SECONDS (default 240), then
 * at 100 reports/s for FAST_SECONDS (default 60), and for each window prints, from the hub
 * process's /proc/<pid>/io and the store's own counters:
 *
 * - block_write_bytes_per_report: `write_bytes` (what the process sent to the block layer: the
 *   kernel counts every page it dirties, so a commit that appends 100 bytes to a page costs a
 *   page), over the reports the hub handled;
 * - wchar_per_report: `wchar`, every byte handed to write(2), sockets to the broker included;
 *   store_bytes_per_report is the store's share of it (journal records, snapshot and JSON files);
 * - fsyncs_per_s: the store's fsync/fdatasync calls (herdsman's own database.db write, every
 *   5 minutes and on joins, is not among them);
 * - cpu_ms_per_report: the hub process's CPU (user + system, /proc/<pid>/stat) over the reports.
 *
 * The hub runs with the V8 settings of systemd/hearth.service's ExecStart, or NODE_FLAGS
 * (`none`: none) (_unit-flags.ts).
 *
 * Then KILLS lives (default 6), each at 100 or 20 reports/s and SIGKILLed at a random point 2-12 s in;
 * the state store is opened again (the recovery a restart does) and compared with what the hub
 * had handed to the store and what the store had acknowledged (on disk) before the kill:
 * max_loss_ms is the age at the kill of the oldest report missing afterwards (what the crash
 * lost: at most the commit interval plus one commit), acknowledged_lost counts acknowledged
 * reports missing (must be 0).
 *
 * HEARTH_BENCH_STORE='{"…":…}' sets the hub's `store` config section (for side-by-side runs).
 * Usage: npm run bench -- wear [seconds] [fast seconds] [kills]
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../test/support/ports.js';
import { compiledTree, cpuSeconds } from './_compiled.js';
import { LeanHubProcess, sleep, type LeanHubSettings } from './_lean-hub-process.js';
import { launchMosquitto } from './_mosquitto.js';
import { benchNodeFlags } from './_unit-flags.js';

const seconds = Number(process.argv[2] ?? 240);
const fastSeconds = Number(process.argv[3] ?? 60);
const kills = Number(process.argv[4] ?? 6);
const zigbee = 200;
const nodeFlags = benchNodeFlags();
const store =
  process.env.HEARTH_BENCH_STORE === undefined ? undefined : (JSON.parse(process.env.HEARTH_BENCH_STORE) as Record<string, unknown>);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-wear-'));
const fsType = execFileSync('stat', ['-f', '-c', '%T', scratch]).toString().trim();
if (/tmpfs|ramfs/.test(fsType)) throw new Error(`${scratch} is on ${fsType}: the wear bench needs a real file system (set TMPDIR)`);
const tree = await compiledTree();
const script = tree.script('scripts/bench/_wear-hub.ts');
let broker: ChildProcess | undefined;

interface Counters {
  fsyncs: number;
  store_bytes: number;
  at: number;
}

async function procIo(pid: number): Promise<{ write_bytes: number; wchar: number }> {
  const text = await readFile(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { write_bytes: field('write_bytes'), wchar: field('wchar') };
}

/** One load window in a running hub: its reports, and what they cost. */
async function window(hub: LeanHubProcess, ratePerS: number, windowSeconds: number) {
  const started = hub.next('load-start', 30_000, true) as unknown as Promise<Counters>;
  hub.child.stdin?.write(`load ${ratePerS} ${windowSeconds}\n`);
  const start = await started;
  const ioStart = await procIo(hub.pid);
  const cpuStart = await cpuSeconds(hub.pid);
  const end = (await hub.next('load-end', windowSeconds * 1000 + 60_000, true)) as unknown as Counters & {
    handled: number;
    seconds: number;
  };
  const ioEnd = await procIo(hub.pid);
  const cpuEnd = await cpuSeconds(hub.pid);
  const reports = end.handled;
  return {
    rate_per_s: ratePerS,
    seconds: round(end.seconds),
    reports,
    block_write_bytes_per_report: round((ioEnd.write_bytes - ioStart.write_bytes) / reports),
    wchar_per_report: round((ioEnd.wchar - ioStart.wchar) / reports),
    store_bytes_per_report: round((end.store_bytes - start.store_bytes) / reports),
    fsyncs_per_s: round((end.fsyncs - start.fsyncs) / end.seconds, 2),
    cpu_ms_per_report: round(((cpuEnd - cpuStart) * 1000) / reports, 2),
  };
}

/** A life SIGKILLed at a random point of a load; what the store had, and what came back. */
async function killedLife(settings: LeanHubSettings, ratePerS: number) {
  const hub = new LeanHubProcess(script, settings, nodeFlags);
  const handled: [string, number][] = [];
  const acked = new Map<string, number>();
  createInterface({ input: hub.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('{"h"')) {
      const { h, t } = JSON.parse(line) as { h: string; t: number };
      handled.push([h, t]);
    } else if (line.startsWith('{"a"')) {
      const { a, t } = JSON.parse(line) as { a: string; t: number };
      acked.set(a, Math.max(acked.get(a) ?? 0, t));
    }
  });
  await hub.next('ready');
  hub.child.stdin?.write('trace\n');
  hub.child.stdin?.write(`load ${ratePerS} 60\n`);
  await sleep(2000 + Math.random() * 10_000);
  const exited = new Promise((resolve) => hub.child.once('exit', resolve));
  const killAt = Date.now();
  hub.child.kill('SIGKILL');
  await exited;
  const ids = [...new Set(handled.map(([id]) => id))];
  const check = new LeanHubProcess(script, { ...settings, check: true, ids } as unknown as LeanHubSettings, nodeFlags);
  const { lastSeen } = (await check.next('states', 120_000)) as unknown as { lastSeen: Record<string, number | null> };
  let oldestMissing = Infinity;
  let missing = 0;
  for (const [id, t] of handled) {
    if (t > (lastSeen[id] ?? -Infinity)) {
      missing++;
      oldestMissing = Math.min(oldestMissing, t);
    }
  }
  let acknowledgedLost = 0;
  for (const [id, t] of acked) if (t > (lastSeen[id] ?? -Infinity)) acknowledgedLost++;
  return { handled: handled.length, missing, lossMs: missing === 0 ? 0 : killAt - oldestMissing, acknowledgedLost };
}

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);
  const settings = {
    stateDir: join(scratch, 'state'),
    port,
    zigbee,
    ...(store === undefined ? {} : { store }),
  } as unknown as LeanHubSettings;
  const first = new LeanHubProcess(script, settings, nodeFlags);
  await first.next('ready');
  await first.stop();
  process.stderr.write(`${zigbee} Zigbee devices paired (state on ${fsType}); measuring\n`);

  const hub = new LeanHubProcess(script, settings, nodeFlags);
  const ready = (await hub.next('ready')) as unknown as { store: Record<string, unknown> };
  await sleep(5000);
  const slow = await window(hub, zigbee / 10, seconds);
  process.stderr.write(`1 report/10 s/device: ${JSON.stringify(slow)}\n`);
  const fast = await window(hub, 100, fastSeconds);
  process.stderr.write(`100 reports/s: ${JSON.stringify(fast)}\n`);
  await hub.stop();

  const lives = [];
  for (let k = 0; k < kills; k++) {
    const life = await killedLife(settings, k % 2 === 0 ? 100 : zigbee / 10);
    process.stderr.write(`SIGKILL ${k + 1}: ${JSON.stringify(life)}\n`);
    lives.push(life);
  }
  const uptime = execFileSync('uptime').toString().trim();
  console.log(
    JSON.stringify({
      bench: 'wear',
      devices: zigbee,
      fs: fsType,
      store: ready.store,
      slow,
      fast,
      block_write_bytes_per_report: slow.block_write_bytes_per_report,
      block_write_bytes_per_report_100_per_s: fast.block_write_bytes_per_report,
      wchar_per_report: slow.wchar_per_report,
      fsyncs_per_s: slow.fsyncs_per_s,
      cpu_ms_per_report: slow.cpu_ms_per_report,
      cpu_ms_per_report_100_per_s: fast.cpu_ms_per_report,
      kills,
      max_loss_ms: Math.max(0, ...lives.map((life) => life.lossMs)),
      acknowledged_lost: lives.reduce((sum, life) => sum + life.acknowledgedLost, 0),
      load: uptime.slice(uptime.indexOf('load average')),
      node_flags: nodeFlags.join(' '),
      node: process.version,
    }),
  );
} finally {
  broker?.kill('SIGKILL');
  await tree.remove();
  await rm(scratch, { recursive: true, force: true });
}
