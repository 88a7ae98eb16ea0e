/**
 * Benchmark `wear`: what a hub writes to its card. A hub process (_wear-hub.ts: the zigbee
 * bench's 200 simulated devices, herdsman's real Controller, the store, the outbox, a Mosquitto
 * started here) on a state directory on a real file system (refused on tmpfs), measured from
 * outside through /proc/<pid>/io:
 *
 * - block_write_bytes_per_report: `write_bytes` (what the process sent to the block layer:
 *   every page it dirtied, counted once each time it is written back) over the reports, at one
 *   report per 10 s per device for 240 s (`_slow`) and at 100 reports/s for 60 s (`_fast`);
 * - wchar_per_report: `wchar`, what the process handed to write(2) (the MQTT socket included);
 *   store_bytes_per_report: the store's own part of it;
 * - fsyncs_per_s: fsync and fdatasync calls of the store and herdsman;
 * - max_loss_ms: the hub is SIGKILLed at random points while devices report (alternately at
 *   both rates) and started again on the same directory; for each sensor and plug, the reports
 *   the hub took before the kill (its store was handed them) and that are missing after the
 *   restart; the age at the kill of the oldest of them. It must stay within `store.maxLossMs`
 *   (max_loss_bound_ms).
 *
 * Usage: npm run bench -- wear [slow_s] [kills]
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../src/config/schema.js';
import { LineChild } from '../../test/support/line-child.js';
import { freePort } from '../../test/support/ports.js';
import { launchMosquitto } from './_mosquitto.js';

const DEVICES = 200;
const slowS = Number(process.argv[2] ?? 240);
const kills = Number(process.argv[3] ?? 6);
const TMPFS_MAGIC = 0x01021994;
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hubScript = fileURLToPath(new URL('_wear-hub.ts', import.meta.url));
const storeConfig = configSchema.parse({}).store as Record<string, unknown>;
const lossBoundMs = typeof storeConfig.maxLossMs === 'number' ? storeConfig.maxLossMs : (storeConfig.journalBatchMs as number);

const scratch = await mkdtemp(join(process.env.HEARTH_WEAR_DIR ?? tmpdir(), 'hearth-bench-wear-'));
if (statfsSync(scratch).type === TMPFS_MAGIC) throw new Error(`${scratch} is on tmpfs: the wear bench needs a real file system`);
let broker: ChildProcess | undefined;

interface Life {
  child: LineChild;
  /** Stored values at start, by device. */
  stored: Map<string, string>;
  /** Values the store was handed (while tracing), by device, in order, with when. */
  taken: Map<string, [value: string, at: number][]>;
  replies: string[];
}

async function startLife(stateDir: string, port: number): Promise<Life> {
  const life: Life = { child: undefined as unknown as LineChild, stored: new Map(), taken: new Map(), replies: [] };
  life.child = new LineChild(
    hubScript,
    [stateDir, String(port), String(DEVICES), JSON.stringify({})],
    (line) => {
      const [kind, id, value, at] = line.split(' ');
      if (kind === 's' && id !== undefined && value !== undefined) life.stored.set(id, value);
      else if (kind === 'r' && id !== undefined && value !== undefined) {
        let list = life.taken.get(id);
        if (list === undefined) life.taken.set(id, (list = []));
        list.push([value, Number(at)]);
      } else if (line.startsWith('{')) life.replies.push(line);
    },
    { commands: true },
  );
  await life.child.ready();
  return life;
}

function send(life: Life, command: string): void {
  life.child.process.stdin?.write(`${command}\n`);
}

async function stats(life: Life): Promise<{ reports: number; fsyncs: number; storeBytes: number }> {
  const before = life.replies.length;
  send(life, 'stats');
  while (life.replies.length === before) await sleep(10);
  return JSON.parse(life.replies.at(-1) as string) as { reports: number; fsyncs: number; storeBytes: number };
}

function processIo(pid: number): { writeBytes: number; wchar: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { writeBytes: field('write_bytes'), wchar: field('wchar') };
}

/** Reports at `perS` for `seconds` (after a settling minute's tenth), measured. */
async function measure(life: Life, perS: number, seconds: number) {
  const pid = life.child.process.pid as number;
  send(life, `rate ${perS}`);
  await sleep(5000);
  const io0 = processIo(pid);
  const s0 = await stats(life);
  const began = performance.now();
  await sleep(seconds * 1000);
  const io1 = processIo(pid);
  const s1 = await stats(life);
  const elapsedS = (performance.now() - began) / 1000;
  send(life, 'rate 0');
  const reports = s1.reports - s0.reports;
  const result = {
    reports_per_s: round(reports / elapsedS, 1),
    block_write_bytes_per_report: round((io1.writeBytes - io0.writeBytes) / reports, 1),
    wchar_per_report: round((io1.wchar - io0.wchar) / reports, 1),
    store_bytes_per_report: round((s1.storeBytes - s0.storeBytes) / reports, 1),
    fsyncs_per_s: round((s1.fsyncs - s0.fsyncs) / elapsedS, 2),
  };
  process.stderr.write(`${perS} reports/s for ${round(elapsedS)} s: ${JSON.stringify(result)}\n`);
  return result;
}

/** The age at `killedAt` of the oldest report the last life took that this life does not hold. */
function lossMs(previous: Life, next: Life, killedAt: number): { lossMs: number; missing: number } {
  let worst = 0;
  let missing = 0;
  for (const [id, taken] of previous.taken) {
    const stored = next.stored.get(id);
    let kept = -1;
    for (let i = taken.length - 1; i >= 0; i--)
      if (taken[i]?.[0] === stored) {
        kept = i;
        break;
      }
    const lost = taken.slice(kept + 1);
    if (lost.length === 0) continue;
    missing += lost.length;
    worst = Math.max(worst, killedAt - (lost[0]?.[1] ?? killedAt));
  }
  return { lossMs: worst, missing };
}

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);
  const stateDir = join(scratch, 'state');
  const began = performance.now();
  let life = await startLife(stateDir, port);
  process.stderr.write(`${DEVICES} devices joined and interviewed in ${round((performance.now() - began) / 1000, 1)} s\n`);
  const slow = await measure(life, DEVICES / 10, slowS);
  const fast = await measure(life, 100, Math.min(60, slowS));

  let maxLoss = 0;
  let missing = 0;
  for (let kill = 0; kill < kills; kill++) {
    send(life, 'trace 1');
    send(life, `rate ${kill % 2 === 0 ? DEVICES / 10 : 100}`);
    await sleep(2000 + Math.random() * 4000);
    const killedAt = Date.now();
    life.child.process.kill('SIGKILL');
    await life.child.exited;
    const next = await startLife(stateDir, port);
    const loss = lossMs(life, next, killedAt);
    process.stderr.write(`kill ${kill + 1}: ${loss.missing} report(s) missing, the oldest ${loss.lossMs} ms old\n`);
    maxLoss = Math.max(maxLoss, loss.lossMs);
    missing += loss.missing;
    life = next;
  }
  send(life, 'quit');
  await life.child.exited;

  console.log(
    JSON.stringify({
      bench: 'wear',
      devices: DEVICES,
      block_write_bytes_per_report_slow: slow.block_write_bytes_per_report,
      block_write_bytes_per_report_fast: fast.block_write_bytes_per_report,
      wchar_per_report_slow: slow.wchar_per_report,
      wchar_per_report_fast: fast.wchar_per_report,
      store_bytes_per_report_slow: slow.store_bytes_per_report,
      store_bytes_per_report_fast: fast.store_bytes_per_report,
      fsyncs_per_s_slow: slow.fsyncs_per_s,
      fsyncs_per_s_fast: fast.fsyncs_per_s,
      reports_per_s_slow: slow.reports_per_s,
      reports_per_s_fast: fast.reports_per_s,
      max_loss_ms: maxLoss,
      max_loss_bound_ms: lossBoundMs,
      reports_missing_after_kills: missing,
      kills,
      slow_s: slowS,
      node: process.version,
    }),
  );
} finally {
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
}
