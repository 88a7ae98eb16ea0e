/**
 * Where the simulated sysfs GPIO tree lives: a private mount namespace (`unshare -m
 * --propagation private`) in which kernel-host.ts mounts a tmpfs over /sys/class, so that the
 * real onoff, which always opens /sys/class/gpio, finds the simulated tree and the machine's
 * /sys is untouched. This module starts the kernel host (which then starts the hub inside),
 * says why the namespace cannot be made where it cannot (not root, no unshare), and tells a
 * process whether it runs inside one (the marker file the host writes).
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BoardId } from '../../../hardware/board-profile.js';

/** Written by the kernel host into the tmpfs: present only inside a simulation's namespace. */
export const SIMULATION_MARKER = '/sys/class/.hearth-gpio-simulation.json';

export interface GpioSimulationSpec {
  board: BoardId;
  /** A key of the profile's sysfsLayouts: which kernel's numbering to play ("6.6": Pi 5 at 571). */
  layout: string;
  /** No gpio/ under /sys/class at all (a kernel without CONFIG_GPIO_SYSFS). */
  noSysfsGpio?: boolean;
  /** Mode and group of export/unexport (default 0220 root:root). */
  exportMode?: number;
  exportGid?: number;
  /** The line's files appear this long after a write to export (default: at once). */
  exportDelayMs?: number;
  /** Raw levels of input wires at start, by BCM line (a button's pull-up: 1); others read 0. */
  levels?: Record<number, 0 | 1>;
  /** BCM lines another program exported before the hub starts. */
  preExported?: number[];
  /** The program to run inside (the hub), its user and group. */
  command: string[];
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
}

/** What the marker says: the board and layout being played. */
export interface SimulationMarker {
  board: BoardId;
  layout: string;
}

export function simulationMarker(): SimulationMarker | undefined {
  try {
    return JSON.parse(readFileSync(SIMULATION_MARKER, 'utf8')) as SimulationMarker;
  } catch {
    return undefined;
  }
}

const here = import.meta.url;
const hostScript = fileURLToPath(new URL(here.endsWith('.ts') ? './kernel-host.ts' : './kernel-host.js', here));

/** Node's arguments to run a module of this tree: through tsx when it is TypeScript. */
export function nodeArgsFor(script: string): string[] {
  return script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), script] : [script];
}

/** Why this process cannot make a private mount namespace, or undefined when it can. */
export function namespaceProblem(): string | undefined {
  if (process.platform !== 'linux') return `${process.platform} has no mount namespaces`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs in a mount namespace needs root';
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `unshare could not run (${probe.error.message}); it is in util-linux`;
  if (probe.status !== 0) return `unshare -m failed: ${probe.stderr.trim()}`;
  return undefined;
}

/**
 * Starts the kernel host in a new mount namespace; it builds the tree, then runs
 * `spec.command` inside. The returned child has an IPC channel (kernel-host.ts lists the
 * messages) on top of `stdio`, and its own process group: a terminal's Ctrl-C reaches only the
 * caller, which passes it on once (the host passes it to the hub).
 */
export function spawnGpioSimulation(spec: GpioSimulationSpec, stdio: StdioOptions = ['ignore', 'inherit', 'inherit']): ChildProcess {
  const streams = Array.isArray(stdio) ? [...stdio] : [stdio, stdio, stdio];
  return spawn('unshare', ['-m', '--propagation', 'private', process.execPath, ...nodeArgsFor(hostScript), JSON.stringify(spec)], {
    stdio: [...streams.slice(0, 3), 'ipc'],
    detached: true,
  });
}
