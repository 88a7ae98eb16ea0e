/**
 * Before each test file (vitest setupFiles; the suite runs with isolate: false, several files
 * one after another in a worker process): the file gets what a process of its own would give
 * it, except the packages in node_modules (zwave-js, herdsman, converters), which Node keeps
 * loaded and which hold no state of ours. Our modules (src/, test/support/) are evaluated
 * afresh, the environment is the one the worker started with (test/radios/zwave/support.ts
 * sets NODE_ENV=production for its files only), and timers are real again after the file.
 * zwave-js's device-config index is read once per worker (test/support/zwave-device-index-once.ts).
 */
import { afterAll, vi } from 'vitest';
// zwave-js's device-config index read once per worker, not at every driver start
import './zwave-device-index-once.js';

const worker = globalThis as { hearthStartEnv?: Record<string, string | undefined> };
worker.hearthStartEnv ??= { ...process.env };
const startEnv = worker.hearthStartEnv;
for (const key of Object.keys(process.env)) if (!(key in startEnv)) delete process.env[key];
Object.assign(process.env, startEnv);
vi.resetModules();

afterAll(() => {
  vi.useRealTimers();
});
