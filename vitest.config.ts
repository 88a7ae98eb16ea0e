import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real processes and a real Mosquitto; give them room on a
    // shared 2-core machine. Speed targets live in benchmarks, never here.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // zwave-js's own promises rejected when a driver is destroyed with commands queued (the
    // hub's process-level handler lets exactly these pass: src/radios/zwave/destroyed-driver-rejection.ts)
    onUnhandledError: (error) => !(error.name === 'ZWaveError' && (error as { code?: unknown }).code === 102),
    reporters: ['default'],
  },
});
