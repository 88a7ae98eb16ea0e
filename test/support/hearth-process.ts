/**
 * Runs the real `hearth` command (src/main.ts, from this run's build: test/support/built.ts) as a
 * child process and reads its output: JSON log lines parsed, everything kept for assertions and
 * failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { builtScript, nodeArgs } from './built.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string; level?: string; module?: string };

/** The environment of the test process without any HEARTH_ variable, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HEARTH_') && key !== 'CONFIGURATION_DIRECTORY' && key !== 'STATE_DIRECTORY') env[key] = value;
  }
  return { ...env, ...extra };
}

export class HearthProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  /** `preload`: modules (.ts files of the repository) imported before hearth's own (test instruments such as a loop blocker). */
  constructor(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), preload: string[] = []) {
    // tsx (without a build) is imported before the preloads
    const run = nodeArgs(main);
    const imports = preload.flatMap((file) => ['--import', builtScript(file)]);
    this.child = spawn(process.execPath, [...run.slice(0, -1), ...imports, ...run.slice(-1), ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      this.stdout += text;
      pending += text;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const raw = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        this.accept(raw);
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal })),
    );
    onTestFinished(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    });
  }

  private accept(raw: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      return;
    }
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.predicate(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }

  /** Resolves with the first log line (past or future) that matches; rejects on exit or timeout. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const seen = this.lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${this.stdout}\n${this.stderr}`)),
        timeoutMs,
      );
      void this.exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`hearth exited (${code}) before a matching log line; output:\n${this.stdout}\n${this.stderr}`));
      });
      this.waiters.push({
        predicate,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  waitForMessage(msg: string, timeoutMs?: number): Promise<LogLine> {
    return this.waitForLine((line) => line.msg === msg, timeoutMs);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Runs a hearth command to its end. */
export async function runHearth(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const hearth = new HearthProcess(args, env);
  const { code } = await hearth.exited;
  return { code, stdout: hearth.stdout, stderr: hearth.stderr };
}
