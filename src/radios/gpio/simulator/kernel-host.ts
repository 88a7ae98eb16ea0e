/**
 * The process that plays the kernel for a GPIO simulation, run by namespace.ts as root inside
 * a fresh private mount namespace: mounts a tmpfs over /sys/class (refusing to when it is not
 * in a namespace of its own), builds the board's sysfs GPIO tree and runs SysfsKernel over it,
 * then starts the spec's command (the hub) in the same namespace and exits with it. The parent
 * drives the lines over the IPC channel, one request per message, each answered with
 * `{ id, result }` or `{ id, error }`:
 * - `{ id, op: 'level', line, value }`  the raw level of BCM line `line` (an input's wire)
 * - `{ id, op: 'pulses', line, levels, intervalMs }`  levels one after another (a bouncing contact)
 * - `{ id, op: 'view', line }`  the line's files and raw level (LineView)
 * - `{ id, op: 'vanish' }`  the whole gpio tree disappears (a fault)
 * The command gets the SIGTERM or SIGINT the parent sends (once, by its name), and SIGTERM when
 * the parent goes away.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readlinkSync, writeFileSync } from 'node:fs';
import { boardProfile } from '../../../hardware/board-profile.js';
import { SIMULATION_MARKER, type GpioSimulationSpec, type SimulationMarker } from './namespace.js';
import { SysfsKernel } from './sysfs-kernel.js';
import { SignalRelay } from '../../../lifecycle/signal-relay.js';

type Request = { id: number } & (
  | { op: 'level'; line: number; value: 0 | 1 }
  | { op: 'pulses'; line: number; levels: (0 | 1)[]; intervalMs: number }
  | { op: 'view'; line: number }
  | { op: 'vanish' }
);

const spec = JSON.parse(process.argv[2] ?? '{}') as GpioSimulationSpec;

// the parent (unshare exec'd this) stayed in the namespace it was started from
if (readlinkSync('/proc/self/ns/mnt') === readlinkSync(`/proc/${process.ppid}/ns/mnt`)) {
  process.stderr.write(
    'kernel-host: not in a mount namespace of its own; refusing to mount over /sys/class (run it through namespace.ts)\n',
  );
  process.exit(70);
}

const profile = boardProfile(spec.board);
const chips = profile.sysfsLayouts[spec.layout];
if (chips === undefined)
  throw new Error(`board ${spec.board} has no sysfs layout ${spec.layout} (it has ${Object.keys(profile.sysfsLayouts).join(', ')})`);
const headerChip = chips.find((chip) => chip.label === profile.chipLabel);
if (headerChip === undefined) throw new Error(`layout ${spec.layout} of ${spec.board} has no chip ${profile.chipLabel}`);

execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'hearth-gpio-sim', '/sys/class']);
const marker: SimulationMarker = { board: spec.board, layout: spec.layout };
writeFileSync(SIMULATION_MARKER, JSON.stringify(marker));

const kernel = new SysfsKernel({
  root: '/sys/class/gpio',
  chips,
  ...(spec.exportMode === undefined ? {} : { exportMode: spec.exportMode }),
  ...(spec.exportGid === undefined ? {} : { exportGid: spec.exportGid }),
  ...(spec.exportDelayMs === undefined ? {} : { exportDelayMs: spec.exportDelayMs }),
});
if (spec.noSysfsGpio !== true) {
  kernel.start();
  for (const [line, level] of Object.entries(spec.levels ?? {})) kernel.setLevel(headerChip.base + Number(line), level);
  for (const line of spec.preExported ?? []) kernel.export(headerChip.base + line);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'level':
      kernel.setLevel(headerChip!.base + request.line, request.value);
      return null;
    case 'pulses':
      for (const [index, level] of request.levels.entries()) {
        if (index > 0) await sleep(request.intervalMs);
        kernel.setLevel(headerChip!.base + request.line, level);
      }
      return null;
    case 'view':
      return kernel.view(headerChip!.base + request.line);
    case 'vanish':
      kernel.vanish();
      return null;
  }
}

process.on('message', (message: Request) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

const [command, ...args] = spec.command;
if (command === undefined) throw new Error('kernel-host: no command to run');
const child = spawn(command, args, {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: spec.env ?? process.env,
  ...(spec.uid === undefined ? {} : { uid: spec.uid }),
  ...(spec.gid === undefined ? {} : { gid: spec.gid }),
});
// a stop signal reaches the hub as it came (a Ctrl-C is a SIGINT in the hub's log), once
SignalRelay.fromProcess({ send: (signal) => child.kill(signal) });
process.on('disconnect', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  kernel.stop();
  process.exitCode = code ?? (signal === null ? 1 : 128);
  process.disconnect?.();
});
