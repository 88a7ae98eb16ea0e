/**
 * Benchmark `store`: what the store costs a hub.
 *
 * - startup_ms_10k_devices / startup_ms_100k_devices: a fresh process opens the devices part
 *   on a state directory holding that many devices (registry and state), up to ready: every
 *   device registered, no actor activated.
 * - bytes_written_per_report / fsyncs_per_second: 100 devices each reporting once every 10 s
 *   for one simulated hour (36,000 reports) through the devices part and the real store on
 *   disk, with the default settings: group commits as store.maxLossMs allows (every 1 s) and a compaction every 10
 *   minutes of simulated time. Bytes are what the process handed to write(2) (wchar in
 *   /proc/self/io); fsyncs are the fsync/fdatasync calls the store made.
 * - state_lost_on_sigkill: a writer process reports through the devices part over seven lives
 *   on one state directory, ended by SIGKILL (four times: in the first life and in later ones,
 *   after clean stops and restarts) or a clean stop (twice); acknowledged reports missing at the
 *   next start, also split into _first_life and _later_lives.
 *
 * Usage: npm run bench -- store
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { DeviceRegistry } from '../../src/store/device-registry.js';
import { DeviceStateStore } from '../../src/store/device-state-store.js';
import { diskStats } from '../../src/store/disk-stats.js';
import { LineChild } from '../../test/support/line-child.js';
import { actorsConfig } from '../../test/support/config-defaults.js';

const log = pino({ level: 'silent' });
const defaults = configSchema.parse({}).store;
/** How long the hub's state changes gather before a commit, by default. */
const batchMs = defaults.journalBatchMs ?? defaults.maxLossMs;
const idOf = (i: number) => `zigbee:0x${i.toString(16).padStart(16, '0')}`;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const scratch: string[] = [];

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-store-'));
  scratch.push(dir);
  return dir;
}

function processIo(): { wchar: number; syscw: number } {
  const text = readFileSync('/proc/self/io', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { wchar: field('wchar'), syscw: field('syscw') };
}

/** A state directory with `count` devices, each with a last state, as a hub leaves it. */
async function prepare(count: number): Promise<string> {
  const dir = await scratchDir();
  const registry = new DeviceRegistry({ dir: join(dir, 'registry'), shards: defaults.registryShards, writeIntervalMs: 1000, log });
  await registry.load();
  for (let i = 0; i < count; i++)
    registry.put({
      id: idOf(i),
      friendlyName: `floor ${i % 5}/room ${i % 40}/sensor ${i}`,
      radio: 'zigbee',
      model: 'WSDCGQ11LM',
      vendor: 'Aqara',
    });
  await registry.flush();
  const state = await DeviceStateStore.open({
    dir: join(dir, 'state'),
    log,
    shards: defaults.stateShards,
    batchIntervalMs: batchMs,
    maxLossMs: defaults.maxLossMs,
    compactIntervalMs: 0,
    compactAfterDevices: 10_000_000,
  });
  for (let i = 0; i < count; i++)
    void state.record(idOf(i), { values: { temperature: 21.5, humidity: 40, battery: 90, linkquality: 120 }, lastSeen: 1_700_000_000_000 });
  await state.close();
  return dir;
}

function startup(dir: string): { ready_ms: number; devices: number; rss_mb: number } {
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', here('_store-startup.ts'), dir], { encoding: 'utf8' });
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.status !== 0 || !last.startsWith('{')) throw new Error(`start-up run failed (${result.status}):\n${result.stderr}`);
    runs.push(JSON.parse(last) as { ready_ms: number; devices: number; rss_mb: number });
  }
  runs.sort((a, b) => a.ready_ms - b.ready_ms);
  return runs[1] as { ready_ms: number; devices: number; rss_mb: number }; // the median of three
}

/** One simulated hour of 100 devices reporting every 10 s; time advances in 10 ms steps. */
async function simulatedHour(): Promise<{
  bytesPerReport: number;
  counterBytesPerReport: number;
  fsyncsPerSecond: number;
  reports: number;
}> {
  const dir = await scratchDir();
  const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
  // the journal and compaction timers are driven by simulated time below, at the default cadence
  const store = { ...defaults, journalBatchMs: 10_000, compactIntervalMs: 0 };
  let now = 1_700_000_000_000;
  const devices = new DeviceService({ stateDir: dir, store, system, log, now: () => now });
  await devices.start();
  const ids = Array.from({ length: 100 }, (_, i) => idOf(i));
  ids.forEach((id, i) => devices.addDevice({ id, friendlyName: `sensor ${i}`, radio: 'zigbee', model: 'WSDCGQ11LM' }));
  await devices.stop();
  await system.shutdown();
  // a fresh start, as after a reboot: the hour begins with the registry on disk
  const hourSystem = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
  const hour = new DeviceService({ stateDir: dir, store, system: hourSystem, log, now: () => now });
  await hour.start();
  const before = { io: processIo(), fsyncs: diskStats.fsyncs, bytes: diskStats.bytesWritten };
  const stepMs = 10;
  const hourMs = 3600_000;
  let reports = 0;
  let temperature = 20;
  for (let t = 0; t < hourMs; t += stepMs) {
    now += stepMs;
    // device i reports at i × 100 ms into each 10 s period
    if (t % 100 === 0) {
      const id = ids[(t / 100) % 100] as string;
      temperature = round(temperature + (Math.random() - 0.5) * 0.2, 2);
      void hour.report(id, {
        temperature,
        humidity: 40 + Math.round(Math.random() * 5),
        linkquality: 100 + Math.round(Math.random() * 20),
      });
      reports++;
    }
    if (t % batchMs === 0) {
      await hourSystem.settled();
      await hour.state.flushJournal();
    }
    if (t > 0 && t % defaults.compactIntervalMs === 0) await hour.state.compact();
  }
  await hourSystem.settled();
  await hour.state.flushJournal();
  const after = { io: processIo(), fsyncs: diskStats.fsyncs, bytes: diskStats.bytesWritten };
  await hourSystem.shutdown();
  await hour.stop();
  return {
    bytesPerReport: (after.io.wchar - before.io.wchar) / reports,
    counterBytesPerReport: (after.bytes - before.bytes) / reports,
    fsyncsPerSecond: (after.fsyncs - before.fsyncs) / (hourMs / 1000),
    reports,
  };
}

/** How each writer life ends: SIGKILLs in the first and in later lives, clean stops between. */
const LIVES = ['kill', 'clean', 'kill', 'kill', 'clean', 'kill'] as const;

/**
 * Runs writer lives one after another on one state directory; each life's start prints what it
 * recovered, checked against what was acknowledged before: reports missing after a SIGKILL,
 * counted apart for a kill in the first life and in later ones (after clean stops and restarts).
 */
async function lostOnSigkill(): Promise<{
  lostFirstLife: number;
  lostLaterLives: number;
  acknowledged: number;
  kills: number;
  cleanStops: number;
}> {
  const dir = await scratchDir();
  const acknowledged = new Map<string, number>();
  let count = 0;
  let lostFirstLife = 0;
  let lostLaterLives = 0;
  for (let life = 0; life <= LIVES.length; life++) {
    const recovered = new Map<string, number>();
    const child = new LineChild(here('_store-writer.ts'), [dir], (line) => {
      const parts = line.split(' ');
      if (parts[0] === 'state') recovered.set(parts[1] as string, Number(parts[2]));
      else {
        acknowledged.set(parts[0] as string, Math.max(acknowledged.get(parts[0] as string) ?? 0, Number(parts[1])));
        count++;
      }
    });
    await child.ready();
    if (life > 0) {
      let lost = 0;
      for (const [id, value] of acknowledged) if ((recovered.get(id) ?? 0) < value) lost++;
      if (LIVES[life - 1] === 'kill') {
        if (life === 1) lostFirstLife += lost;
        else lostLaterLives += lost;
      } else if (lost > 0) throw new Error(`${lost} acknowledged reports missing after a clean stop`);
    }
    const end = LIVES[life];
    if (end === undefined) {
      await child.kill();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 500));
    if (end === 'kill') await child.kill();
    else {
      child.process.kill('SIGTERM');
      await child.exited;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    lostFirstLife,
    lostLaterLives,
    acknowledged: count,
    kills: LIVES.filter((end) => end === 'kill').length,
    cleanStops: LIVES.filter((end) => end === 'clean').length,
  };
}

try {
  const ten = startup(await prepare(10_000));
  process.stderr.write(`start-up, 10k devices: ${round(ten.ready_ms)} ms\n`);
  const hundred = startup(await prepare(100_000));
  process.stderr.write(`start-up, 100k devices: ${round(hundred.ready_ms)} ms (rss ${round(hundred.rss_mb)} MB)\n`);
  const hour = await simulatedHour();
  process.stderr.write(
    `simulated hour: ${hour.reports} reports, ${round(hour.bytesPerReport, 1)} bytes written per report, ${round(hour.fsyncsPerSecond, 2)} fsyncs/s\n`,
  );
  const sigkill = await lostOnSigkill();
  process.stderr.write(
    `${sigkill.kills} SIGKILLs, ${sigkill.cleanStops} clean stops: ${sigkill.lostFirstLife + sigkill.lostLaterLives} of ${sigkill.acknowledged} acknowledged reports lost (first life ${sigkill.lostFirstLife}, later lives ${sigkill.lostLaterLives})\n`,
  );
  console.log(
    JSON.stringify({
      bench: 'store',
      startup_ms_10k_devices: round(ten.ready_ms),
      startup_ms_100k_devices: round(hundred.ready_ms),
      startup_rss_mb_100k_devices: round(hundred.rss_mb),
      bytes_written_per_report: round(hour.bytesPerReport, 1),
      store_bytes_per_report: round(hour.counterBytesPerReport, 1),
      fsyncs_per_second: round(hour.fsyncsPerSecond, 2),
      reports_simulated: hour.reports,
      state_lost_on_sigkill: sigkill.lostFirstLife + sigkill.lostLaterLives,
      state_lost_on_sigkill_first_life: sigkill.lostFirstLife,
      state_lost_on_sigkill_later_lives: sigkill.lostLaterLives,
      sigkills: sigkill.kills,
      clean_stops: sigkill.cleanStops,
      reports_acknowledged_before_sigkill: sigkill.acknowledged,
      node: process.version,
    }),
  );
} finally {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
}
