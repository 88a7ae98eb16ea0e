import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { isZWaveLeftover } from './src/radios/zwave/expected-zwave-rejection.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real processes and a real Mosquitto; give them room on a
    // shared 2-core machine. Speed targets live in benchmarks, never here.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most of a file's time is spent waiting (for child processes, brokers, radios' timers), not
    // computing: one file per core, at least two (vitest's default, cores - 1, runs one file at a
    // time on a 2-core CI machine and leaves the other core idle).
    maxWorkers: Math.max(2, availableParallelism()),
    globalSetup: ['test/support/global-setup.ts'],
    // zwave-js leaves these rejections unhandled (a driver destroyed with commands queued or frames in hand, a port
    // that vanished; the hub's process-level handler lets exactly these pass: src/radios/zwave/expected-zwave-rejection.ts).
    // A test worker's driver destroys are not counted here: the leftovers of one are passed by their shape alone.
    onUnhandledError: (error) => !isZWaveLeftover(error, true),
    reporters: ['default'],
  },
});
