/**
 * For finding where an idle hub's CPU goes: preloaded into the hub's process (`--import`) with
 * HEARTH_BENCH_PROFILE naming a file; the first SIGUSR2 starts V8's sampling profiler (1 ms), the
 * second writes the profile (.cpuprofile JSON) to that file. _profile-summary.ts reads it.
 * Sampling costs CPU itself: a profiled run's cpu_s is off.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const file = process.env.HEARTH_BENCH_PROFILE;
const session = new Session();
session.connect();
let running = false;

process.on('SIGUSR2', () => {
  void (async () => {
    if (file === undefined) return;
    if (!running) {
      running = true;
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 1000 });
      await session.post('Profiler.start');
      return;
    }
    running = false;
    const { profile } = await session.post('Profiler.stop');
    // whole or not at all: the bench waits for the file to appear
    writeFileSync(`${file}.part`, JSON.stringify(profile));
    renameSync(`${file}.part`, file);
  })();
});
