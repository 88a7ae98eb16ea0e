/**
 * Plays the kernel's sysfs GPIO driver over a plain directory tree (a tmpfs in a private mount
 * namespace, made by kernel-host.ts): builds `gpio/export`, `unexport` and `gpiochipN/{base,
 * label,ngpio}` from a board profile's reported layout, and reacts to what programs write, as
 * drivers/gpio/gpiolib-sysfs.c does: a number written to `export` makes `gpioN/` with `value`,
 * `direction`, `edge` and `active_low`; `unexport` removes it; `direction` "high"/"low" drive
 * the raw line level, `value` is the logical level (raw XOR active_low). Each line has a
 * physical level: the harness sets it for inputs (a button pressed), outputs set it by their
 * writes. Changes are seen through inotify (fs.watch), so the reaction is asynchronous: a new
 * `gpioN/` appears within a millisecond or so, which onoff's export already waits for (its
 * permission loop, kept for udev).
 */
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
  writeSync,
  chownSync,
  chmodSync,
  type FSWatcher,
} from 'node:fs';
import { join } from 'node:path';
import type { SysfsChip } from '../../../hardware/board-profile.js';

interface Line {
  number: number;
  direction: 'in' | 'out';
  activeLow: boolean;
  /** The raw level on the wire. */
  level: 0 | 1;
  edge: string;
  watcher: FSWatcher;
}

export interface LineView {
  /** The line's sysfs number (chip base + line). */
  sysfs: number;
  exported: boolean;
  direction?: 'in' | 'out';
  activeLow?: boolean;
  /** What the value file holds (logical). */
  value?: 0 | 1;
  /** The raw level on the wire. */
  level?: 0 | 1;
  edge?: string;
}

export interface SysfsKernelOptions {
  /** The gpio directory, /sys/class/gpio. */
  root: string;
  chips: readonly SysfsChip[];
  /** Mode and group of export/unexport (Raspberry Pi OS: root:gpio 0770 via udev). */
  exportMode?: number;
  exportGid?: number;
  /** How long after a write to export the line's files appear (udev on a slow board, a busy kernel host; default at once). */
  exportDelayMs?: number;
}

const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
};

export class SysfsKernel {
  private readonly lines = new Map<number, Line>();
  private readonly watchers: FSWatcher[] = [];
  /** Physical levels of lines not exported yet: an input's wire has a level before anyone looks. */
  private readonly pending = new Map<number, 0 | 1>();

  constructor(private readonly options: SysfsKernelOptions) {}

  start(): void {
    const { root, chips } = this.options;
    mkdirSync(root, { recursive: true });
    for (const chip of chips) {
      const dir = join(root, `gpiochip${chip.base}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'base'), `${chip.base}\n`);
      writeFileSync(join(dir, 'label'), `${chip.label}\n`);
      writeFileSync(join(dir, 'ngpio'), `${chip.ngpio}\n`);
    }
    for (const name of ['export', 'unexport']) {
      const path = join(root, name);
      writeFileSync(path, '');
      if (this.options.exportGid !== undefined) chownSync(path, 0, this.options.exportGid);
      chmodSync(path, this.options.exportMode ?? 0o220);
      this.watchers.push(watch(path, () => this.control(name as 'export' | 'unexport', read(path))));
    }
  }

  stop(): void {
    for (const watcher of this.watchers) watcher.close();
    for (const line of this.lines.values()) line.watcher.close();
    this.lines.clear();
  }

  /** Whether a sysfs number falls within one of the chips. */
  private valid(number: number): boolean {
    return this.options.chips.some((chip) => number >= chip.base && number < chip.base + chip.ngpio);
  }

  private control(file: 'export' | 'unexport', content: string): void {
    if (!/^\d+$/.test(content)) return; // truncated, not written yet
    const number = Number(content);
    const delay = this.options.exportDelayMs ?? 0;
    if (file === 'export' && delay > 0) setTimeout(() => this.export(number), delay);
    else if (file === 'export') this.export(number);
    else this.unexport(number);
  }

  /** Makes gpioN/ as the kernel does on a write to export (also used to play "someone else"). */
  export(number: number): void {
    if (this.lines.has(number) || !this.valid(number)) return;
    const { root } = this.options;
    const staging = join(root, `.gpio${number}.new`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const level = this.pending.get(number) ?? 0;
    writeFileSync(join(staging, 'direction'), 'in\n');
    writeFileSync(join(staging, 'edge'), 'none\n');
    writeFileSync(join(staging, 'active_low'), '0\n');
    writeFileSync(join(staging, 'value'), `${level}\n`);
    // watched before it appears (inotify follows the inode through the rename), so no write is missed
    const line: Line = {
      number,
      direction: 'in',
      activeLow: false,
      level,
      edge: 'none',
      watcher: watch(staging, (_event, name) => this.changed(number, name)),
    };
    line.watcher.on('error', () => undefined);
    this.lines.set(number, line);
    // one rename: the directory appears whole, never without its value file
    renameSync(staging, join(root, `gpio${number}`));
  }

  unexport(number: number): void {
    const line = this.lines.get(number);
    if (line === undefined) return;
    line.watcher.close();
    this.lines.delete(number);
    this.pending.set(number, line.level);
    rmSync(join(this.options.root, `gpio${number}`), { recursive: true, force: true });
  }

  /** A program wrote one of the line's files. */
  private changed(number: number, name: string | null): void {
    const line = this.lines.get(number);
    if (line === undefined || name === null) return;
    const path = join(this.options.root, `gpio${number}`, name);
    const content = read(path);
    switch (name) {
      case 'direction':
        if (content === 'in') line.direction = 'in';
        else if (content === 'out' || content === 'low' || content === 'high') {
          // gpiolib-sysfs: "high"/"low" set the raw level (gpiod_direction_output_raw), "out" drives low
          line.direction = 'out';
          line.level = content === 'high' ? 1 : 0;
          this.render(line);
        }
        return;
      case 'active_low':
        if (content !== '0' && content !== '1') return;
        line.activeLow = content === '1';
        this.render(line);
        return;
      case 'edge':
        line.edge = content;
        return;
      case 'value': {
        if (line.direction !== 'out' || (content !== '0' && content !== '1')) return;
        const level = (Number(content) ^ (line.activeLow ? 1 : 0)) as 0 | 1;
        line.level = level;
        return;
      }
    }
  }

  /** Writes the value file from the raw level (one byte in place, as a read of sysfs sees it). */
  private render(line: Line): void {
    const value = line.level ^ (line.activeLow ? 1 : 0);
    const path = join(this.options.root, `gpio${line.number}`, 'value');
    if (read(path) === String(value)) return;
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, String(value), 0);
    } finally {
      closeSync(fd);
    }
  }

  /** Sets the raw level of a line's wire (a button pressed pulls it low); ignored for outputs. */
  setLevel(number: number, level: 0 | 1): void {
    const line = this.lines.get(number);
    if (line === undefined) {
      this.pending.set(number, level);
      return;
    }
    if (line.direction !== 'in') throw new Error(`gpio${number} is an output: its level is the program's`);
    line.level = level;
    this.render(line);
  }

  /** The line as its files say now (what a program wrote may not have reached the model yet). */
  view(number: number): LineView {
    const line = this.lines.get(number);
    if (line === undefined) return { sysfs: number, exported: false };
    const dir = join(this.options.root, `gpio${number}`);
    const direction = read(join(dir, 'direction')) === 'in' ? 'in' : 'out';
    const activeLow = read(join(dir, 'active_low')) === '1';
    const value = read(join(dir, 'value')) === '1' ? 1 : 0;
    const level = direction === 'out' ? ((value ^ (activeLow ? 1 : 0)) as 0 | 1) : line.level;
    return { sysfs: number, exported: true, direction, activeLow, value, level, edge: read(join(dir, 'edge')) };
  }

  /** The tree disappears (a fault: the driver was unbound, the board's sysfs went away). */
  vanish(): void {
    for (const number of [...this.lines.keys()]) this.unexport(number);
    for (const watcher of this.watchers) watcher.close();
    rmSync(this.options.root, { recursive: true, force: true });
  }

  exists(): boolean {
    return existsSync(this.options.root);
  }
}
