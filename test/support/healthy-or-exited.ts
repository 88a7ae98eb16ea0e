/**
 * The start-up wait of a server a test spawns (NATS, RabbitMQ): polls its health check until it
 * passes, and fails at once, with what it printed, if the process exits first, or after a
 * deadline.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HealthyOrExitedOptions {
  /** Names the server in the errors (`nats-server hearth-test`). */
  what: string;
  timeoutMs: number;
  /** Between two checks. */
  everyMs: number;
  /** One health check: true once the server is ready. */
  healthy: () => Promise<boolean>;
  /** What the server printed so far. */
  output: () => string;
}

export async function healthyOrExited(child: ChildProcess, options: HealthyOrExitedOptions): Promise<void> {
  let exited = child.exitCode !== null || child.signalCode !== null;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  for (const began = Date.now(); Date.now() - began < options.timeoutMs; await sleep(options.everyMs)) {
    if (exited) throw new Error(`${options.what} exited at start:\n${options.output()}`);
    if (await options.healthy()) return;
  }
  throw new Error(`${options.what} was not ready within ${options.timeoutMs} ms:\n${options.output()}`);
}
