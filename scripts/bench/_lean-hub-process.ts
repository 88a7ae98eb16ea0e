/**
 * The benches' handle on a compiled _lean-hub.ts child: spawns it with its settings, follows
 * its JSON step lines, asks it for its memory, stops it (SIGTERM, then waits for its exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { benchMallocEnvironment } from './_unit-flags.js';

export interface LeanHubSettings {
  stateDir: string;
  port: number;
  radios: 'zigbee' | 'all';
  zigbee: number;
  registered?: number;
  /** The hub's log level on stderr (warn by default). */
  logLevel?: string;
}

export interface Step {
  step: string;
  uptime_ms: number;
  /** CPU time the process had used (`loaded`, `known`). */
  cpu_ms?: number;
  devices?: number;
  rss_mb: number;
  heap_used_mb: number;
  heap_total_mb: number;
  external_mb: number;
  array_buffers_mb: number;
  anonymous_mb: number;
}

export class LeanHubProcess {
  readonly child: ChildProcess;
  readonly spawnedAt = performance.now();
  private readonly steps: Step[] = [];
  private readonly waiting: { step: string; after: number; resolve: (step: Step) => void }[] = [];
  private output = '';

  constructor(script: string, settings: LeanHubSettings, nodeFlags: readonly string[] = [], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, script], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        HEARTH_BENCH: JSON.stringify(settings),
        ...benchMallocEnvironment(),
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{"step"')) return;
      const step = JSON.parse(line) as Step;
      this.steps.push(step);
      for (const waiter of [...this.waiting]) {
        if (waiter.step !== step.step || this.steps.length <= waiter.after) continue;
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve(step);
      }
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** The next line of `step` (one already seen counts when `fresh` is false). */
  next(step: string, timeoutMs = 600_000, fresh = false): Promise<Step> {
    const seen = this.steps.find((s) => s.step === step);
    if (!fresh && seen !== undefined) return Promise.resolve(seen);
    return new Promise<Step>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${step}" from the hub within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const exited = () => reject(new Error(`the hub exited before "${step}":\n${this.output}`));
      this.child.once('exit', exited);
      this.waiting.push({
        step,
        after: this.steps.length,
        resolve: (found) => {
          clearTimeout(timer);
          this.child.off('exit', exited);
          resolve(found);
        },
      });
    });
  }

  /** Its memory now, after a full GC (heap figures from the process itself). */
  memory(): Promise<Step> {
    const answer = this.next('memory', 30_000, true);
    this.child.stdin?.write('memory\n');
    return answer;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
