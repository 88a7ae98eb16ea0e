/**
 * A real `hearth start` inside a GPIO simulation: the kernel host (src/radios/gpio/simulator)
 * makes a private mount namespace with a tmpfs over /sys/class, builds the board's sysfs tree,
 * plays the kernel, and runs the hub there, whose real onoff exports and drives the simulated
 * lines. The test drives input wires and reads the lines' files over the host's IPC channel,
 * and watches MQTT on a real Mosquitto.
 */
import type { ChildProcess } from 'node:child_process';
import { chown } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import {
  namespaceProblem,
  nodeArgsFor,
  spawnGpioSimulation,
  type GpioSimulationSpec,
} from '../../../src/radios/gpio/simulator/namespace.js';
import type { LineView } from '../../../src/radios/gpio/simulator/sysfs-kernel.js';
import { builtScript } from '../../support/built.js';
import { writeConfig } from '../../support/config-file.js';
import { cleanEnv, type LogLine } from '../../support/hearth-process.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { MqttWatch } from '../../support/mqtt-watch.js';

const main = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));

export interface GpioHubOptions extends Omit<GpioSimulationSpec, 'command' | 'env'> {
  /** radios.gpio beyond enabled/simulate: board, devices, timings. */
  gpio: Record<string, unknown>;
  broker?: Mosquitto;
  /** An existing state directory (a restart of the same hub). */
  stateDir?: string;
}

export class GpioHub {
  readonly lines: LogLine[] = [];
  output = '';
  readonly exited: Promise<number | null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly watch: MqttWatch,
    readonly broker: Mosquitto,
    readonly stateDir: string,
  ) {
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) {
        try {
          this.accept(JSON.parse(raw) as LogLine);
        } catch {
          // not a log line
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(options: GpioHubOptions): Promise<GpioHub> {
    // CI runs these as root: the real path is required, never skipped
    const problem = namespaceProblem();
    if (problem !== undefined) throw new Error(`the GPIO simulation needs a private mount namespace: ${problem}`);
    const broker = options.broker ?? (await Mosquitto.start());
    if (options.broker === undefined) onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/gp/#');
    const {
      file,
      dir,
      stateDir: freshState,
    } = await writeConfig({
      hubId: 'gp',
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      uplink: { port: broker.port, healthIntervalS: 0 },
      metrics: { enabled: false },
      store: { journalBatchMs: 5 },
      radios: { gpio: { enabled: true, simulate: true, ...options.gpio }, restart: { minMs: 60_000 } },
    });
    const stateDir = options.stateDir ?? freshState;
    if (options.uid !== undefined) await chown(dir, options.uid, options.gid ?? options.uid);
    const { gpio: _gpio, broker: _broker, stateDir: _state, ...spec } = options;
    const child = spawnGpioSimulation(
      { ...spec, command: [process.execPath, ...nodeArgsFor(builtScript(main)), 'start', '--config', file], env: cleanEnv() },
      ['ignore', 'pipe', 'pipe'],
    );
    const hub = new GpioHub(child, watch, broker, stateDir);
    onTestFinished(() => hub.stop());
    return hub;
  }

  private accept(line: LogLine): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.predicate(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }

  /** The first log line (past or future) that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const seen = this.lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${this.output}`)), timeoutMs);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the simulation exited (${code}) before a matching log line; output:\n${this.output}`));
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

  ready(): Promise<LogLine> {
    return this.waitForLog((line) => line.msg === 'hearth is ready');
  }

  private request<T>(message: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, ...message });
    });
  }

  /** Sets the raw level of an input's wire (BCM line). */
  level(line: number, value: 0 | 1): Promise<void> {
    return this.request({ op: 'level', line, value });
  }

  /** Raw levels one after another, `intervalMs` apart (a bouncing contact). */
  pulses(line: number, levels: (0 | 1)[], intervalMs: number): Promise<void> {
    return this.request({ op: 'pulses', line, levels, intervalMs });
  }

  view(line: number): Promise<LineView> {
    return this.request({ op: 'view', line });
  }

  vanish(): Promise<void> {
    return this.request({ op: 'vanish' });
  }

  /** SIGTERM to the host (it passes it to the hub), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
