/**
 * A TypeScript script run as a child process (from this run's build: test/support/built.ts) whose stdout is read line by line:
 * the crash tests' writers print "ready" once set up, then one line per acknowledged write,
 * and are killed with SIGKILL at a random moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgs } from './built.js';

export class LineChild {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  private readonly readySeen: Promise<void>;

  /**
   * Starts `script` with `args`; every stdout line but the first "ready…" goes to `onLine`.
   * With `commands`, its stdin is a pipe that `send` writes lines to.
   */
  constructor(script: string, args: string[], onLine: (line: string) => void, options: { commands?: boolean } = {}) {
    this.process = spawn(process.execPath, [...nodeArgs(script), ...args], {
      stdio: [options.commands === true ? 'pipe' : 'ignore', 'pipe', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.process.once('close', () => resolve()));
    let markReady!: () => void;
    let ready = false;
    this.readySeen = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      void this.exited.then(() => reject(new Error(`${script} exited before it was ready`)));
    });
    this.readySeen.catch(() => undefined);
    let buffered = '';
    this.process.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!ready && line.startsWith('ready')) {
          ready = true;
          markReady();
        } else if (line !== '') onLine(line);
      }
    });
  }

  ready(): Promise<void> {
    return this.readySeen;
  }

  /** Writes one line to its stdin (started with `commands`). */
  send(line: string): void {
    this.process.stdin?.write(`${line}\n`);
  }

  /** SIGKILL (a crash, not a goodbye), and waits until the process is gone. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }

  /** Waits until ready, lets it work for `minMs` to `maxMs`, then kills it. */
  static async crashAfter(script: string, args: string[], onLine: (line: string) => void, minMs: number, maxMs: number): Promise<void> {
    const child = new LineChild(script, args, onLine);
    await child.ready();
    await new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * (maxMs - minMs)));
    await child.kill();
  }
}
