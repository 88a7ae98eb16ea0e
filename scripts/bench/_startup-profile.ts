/**
 * For finding where a hub's start-up goes (`restart` with HEARTH_BENCH_PROFILE): preloaded into
 * the hub's process (`--import`), it starts V8's sampling profiler (1 ms) at once; on SIGUSR2 it
 * writes the profile (.cpuprofile JSON, plus `uptimeAtStartMs`: the process's age when sampling
 * began) to HEARTH_BENCH_PROFILE_FILE. _startup-timeline.ts reads it.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const file = process.env.HEARTH_BENCH_PROFILE_FILE;
const session = new Session();
session.connect();
const uptimeAtStartMs = process.uptime() * 1000;
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 1000 });
await session.post('Profiler.start');

process.once('SIGUSR2', () => {
  void (async () => {
    if (file === undefined) return;
    const { profile } = await session.post('Profiler.stop');
    // whole or not at all: the bench waits for the file to appear
    writeFileSync(`${file}.part`, JSON.stringify({ ...profile, uptimeAtStartMs }));
    renameSync(`${file}.part`, file);
  })();
});
