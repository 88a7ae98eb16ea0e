/**
 * Pins on onoff over sysfs GPIO: the real backend, and the one the namespace simulation runs.
 * Before any pin is touched it checks what users meet (no /sys/class/gpio, export not
 * writable, a line someone else exported) and says the fix; it maps BCM lines to sysfs numbers
 * through the header chip's base (sysfs-chips.ts), and keeps the numbers it exported in
 * `<stateDir>/gpio-exported.json`, so that after a crash it takes its own lines back instead of
 * calling them busy. Debounce is onoff's (`debounceTimeout`: the value is read once the line
 * stayed quiet that long).
 */
import { access, constants, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Gpio } from 'onoff';
import { ErrorCode, HearthError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import type { BoardProfile, SysfsChip } from '../../hardware/board-profile.js';
import type { InputOptions, InputPin, OutputPin, PinBackend } from './pin-backend.js';
import { headerChip } from './sysfs-chips.js';

export interface OnoffBackendOptions {
  sysfsPath: string;
  profile: BoardProfile;
  /** Where the sysfs numbers hearth exported are kept across crashes. */
  exportsFile: string;
  /** Called before onoff is first loaded (the simulation hands it the epoll stand-in). */
  beforeLoad?: () => void;
}

/** How long a line's files may take to appear and become writable after its export (udev's chmod on a slow board). */
const EXPORT_SETTLE_MS = 3000;

const allWritable = async (paths: readonly string[]): Promise<boolean> => {
  for (const path of paths) {
    try {
      await access(path, constants.R_OK | constants.W_OK);
    } catch {
      return false;
    }
  }
  return true;
};

/** What a line's sysfs files read once it is set up (each one named is checked). */
interface LineSetup {
  direction: 'in' | 'out';
  active_low: '0' | '1';
  edge?: string;
}

/** "high" and "low" written to `direction` make an output; the kernel reads it back as "out" at once, a simulated one a moment later. */
const asRead = (text: string): string => (text === 'high' || text === 'low' ? 'out' : text);

const codeOf = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

export function sysfsMissing(sysfsPath: string): HearthError {
  return new HearthError(
    ErrorCode.GpioSysfsMissing,
    `${sysfsPath} does not exist: this is not a Raspberry Pi, or its kernel was built without sysfs GPIO (CONFIG_GPIO_SYSFS, deprecated upstream). hearth's GPIO radio needs it: run a Raspberry Pi OS kernel (it keeps sysfs GPIO), or disable radios.gpio and drive the pins through the GPIO character device (/dev/gpiochipN, libgpiod's gpioset/gpiomon) instead`,
  );
}

export function permissionDenied(path: string, cause?: unknown): HearthError {
  return new HearthError(
    ErrorCode.GpioPermissionDenied,
    `${path}: permission denied. The user running hearth must be in the gpio group (sudo usermod -aG gpio <user>, then log in again; under systemd add SupplementaryGroups=gpio to the unit), or run it as root`,
    cause === undefined ? undefined : { cause },
  );
}

export class OnoffBackend implements PinBackend {
  private chip: SysfsChip | undefined;
  private GpioClass: typeof Gpio | undefined;
  private readonly pins = new Map<number, Gpio>();
  private exported = new Set<number>();

  constructor(private readonly options: OnoffBackendOptions) {}

  get description(): string {
    return this.chip === undefined ? 'onoff on sysfs GPIO' : `onoff on sysfs GPIO (${this.chip.label}, base ${this.chip.base})`;
  }

  async open(): Promise<void> {
    const { sysfsPath, profile } = this.options;
    try {
      await access(sysfsPath, constants.F_OK);
    } catch {
      throw sysfsMissing(sysfsPath);
    }
    try {
      await access(join(sysfsPath, 'export'), constants.W_OK);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') throw sysfsMissing(join(sysfsPath, 'export'));
      throw permissionDenied(join(sysfsPath, 'export'), error);
    }
    this.chip = await headerChip(sysfsPath, profile);
    this.options.beforeLoad?.();
    this.GpioClass ??= (await import('onoff')).Gpio;
    await this.reclaim();
  }

  /** Lines hearth exported before a crash: unexported, so that they are not mistaken for someone else's. */
  private async reclaim(): Promise<void> {
    let numbers: number[] = [];
    try {
      numbers = JSON.parse(await readFile(this.options.exportsFile, 'utf8')) as number[];
    } catch {
      return;
    }
    for (const number of numbers) {
      if (await this.isExported(number)) await this.unexport(number);
    }
    this.exported = new Set();
    await this.saveExported();
  }

  private async saveExported(): Promise<void> {
    await mkdir(dirname(this.options.exportsFile), { recursive: true });
    await writeFileAtomic(this.options.exportsFile, JSON.stringify([...this.exported]));
  }

  private numberOf(line: number): number {
    if (this.chip === undefined) throw new Error('the GPIO backend is not open');
    if (line >= this.chip.ngpio)
      throw new HearthError(ErrorCode.GpioPinUnsafe, `GPIO${line} is beyond ${this.chip.label}'s ${this.chip.ngpio} lines`);
    return this.chip.base + line;
  }

  private linePath(number: number): string {
    return join(this.options.sysfsPath, `gpio${number}`);
  }

  private async isExported(number: number): Promise<boolean> {
    return stat(this.linePath(number)).then(
      () => true,
      () => false,
    );
  }

  private async unexport(number: number): Promise<void> {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(this.options.sysfsPath, 'unexport'), String(number)).catch(() => undefined);
    await this.gone(number);
  }

  /** The kernel removes gpioN/ during the write; a simulated kernel a moment later: wait for it (1 s at most). */
  private async gone(number: number): Promise<void> {
    for (let waited = 0; waited < 1000 && (await this.isExported(number)); waited += 5) await sleep(5);
  }

  /** Refuses a line another program exported; then lets onoff export and configure it. */
  private async claim(line: number, wanted: LineSetup, make: (number: number) => Gpio): Promise<Gpio> {
    const number = this.numberOf(line);
    if (await this.isExported(number)) {
      throw new HearthError(
        ErrorCode.GpioPinBusy,
        `GPIO${line} (sysfs ${this.linePath(number)}) is already exported by another program: stop that program, or free the line with \`echo ${number} > ${join(this.options.sysfsPath, 'unexport')}\` if nothing uses it`,
      );
    }
    let gpio: Gpio;
    try {
      gpio = make(number);
    } catch (error) {
      gpio = await this.afterSlowExport(line, number, wanted, make, error);
    }
    this.pins.set(line, gpio);
    this.exported.add(number);
    await this.saveExported();
    return gpio;
  }

  /**
   * onoff writes `export` and then tries the new line's files 10,000 times in a tight loop (its
   * wait for udev): where they take longer to appear or to become writable (udev on a slow
   * board, a busy machine), it throws although the export worked. Then the files are awaited
   * here without blocking the event loop (EXPORT_SETTLE_MS at most), onoff is asked again (the
   * line now counts as exported, so it configures it, but leaves its errors unsaid), and the
   * line is read back to hold it to what was asked. Any other failure is explained at once.
   */
  private async afterSlowExport(
    line: number,
    number: number,
    wanted: LineSetup,
    make: (number: number) => Gpio,
    error: unknown,
  ): Promise<Gpio> {
    const code = codeOf(error);
    const path = (error as { path?: unknown } | null)?.path;
    const inLine = typeof path === 'string' && path.startsWith(`${this.linePath(number)}/`);
    // the write to export itself failed, or something else did: nothing to wait for
    if (!inLine || (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EPERM')) throw this.explain(line, number, error);
    const files = ['value', 'direction', 'active_low'].map((name) => join(this.linePath(number), name));
    const began = Date.now();
    while (!(await allWritable(files))) {
      if (Date.now() - began >= EXPORT_SETTLE_MS) {
        await this.unexport(number);
        throw this.explain(line, number, error);
      }
      await sleep(10);
    }
    let gpio: Gpio;
    try {
      gpio = make(number);
    } catch (again) {
      await this.unexport(number);
      throw this.explain(line, number, again);
    }
    const wrong: string[] = [];
    for (const [name, want] of Object.entries(wanted)) {
      const found = asRead((await readFile(join(this.linePath(number), name), 'utf8')).trim());
      if (found !== want) wrong.push(`${name} reads ${JSON.stringify(found)}, not ${JSON.stringify(want)}`);
    }
    if (wrong.length > 0) {
      gpio.unexport(); // onoff's: its value file and interrupt watch closed too
      await this.gone(number);
      throw new HearthError(ErrorCode.GpioIoFailed, `GPIO${line} (sysfs ${number}) did not take its setup: ${wrong.join('; ')}`);
    }
    return gpio;
  }

  private explain(line: number, number: number, error: unknown): HearthError {
    switch (codeOf(error)) {
      case 'EACCES':
      case 'EPERM':
        return permissionDenied(this.linePath(number), error);
      case 'EBUSY':
        return new HearthError(
          ErrorCode.GpioPinBusy,
          `GPIO${line} (sysfs ${number}) is held by a kernel driver (a dtoverlay in config.txt) or by a program using /dev/gpiochip*: free it there`,
          { cause: error },
        );
      case 'EINVAL':
        return new HearthError(
          ErrorCode.GpioChipNotFound,
          `the kernel refused sysfs GPIO ${number} (GPIO${line}): the chip numbering changed under hearth; restart it`,
          { cause: error },
        );
      default:
        return new HearthError(ErrorCode.GpioIoFailed, `GPIO${line} (sysfs ${number}) could not be set up: ${(error as Error).message}`, {
          cause: error,
        });
    }
  }

  async output(line: number, options: { activeLow: boolean; initial: 0 | 1 }): Promise<OutputPin> {
    // sysfs "high"/"low" set the raw level, so the logical initial value goes through active-low
    const raw = options.initial ^ (options.activeLow ? 1 : 0);
    const Gpio = this.gpioClass();
    const gpio = await this.claim(
      line,
      { direction: 'out', active_low: options.activeLow ? '1' : '0' },
      (number) => new Gpio(number, raw === 1 ? 'high' : 'low', undefined, { activeLow: options.activeLow }),
    );
    return { write: (value) => gpio.write(value), read: () => gpio.readSync() };
  }

  async input(line: number, options: InputOptions): Promise<InputPin> {
    const Gpio = this.gpioClass();
    const gpio = await this.claim(line, { direction: 'in', active_low: options.activeLow ? '1' : '0', edge: 'both' }, (number) => {
      const made = new Gpio(number, 'in', 'both', { activeLow: options.activeLow, debounceTimeout: options.debounceMs });
      made.watch((error, value) => (error ? options.onError(error) : options.onEdge(value)));
      return made;
    });
    return { read: () => gpio.readSync() };
  }

  private gpioClass(): typeof Gpio {
    if (this.GpioClass === undefined) throw new Error('the GPIO backend is not open');
    return this.GpioClass;
  }

  async probe(): Promise<void> {
    const { sysfsPath } = this.options;
    try {
      await access(join(sysfsPath, 'export'), constants.F_OK);
    } catch (error) {
      throw new HearthError(ErrorCode.GpioIoFailed, `${sysfsPath} vanished (the GPIO driver was unbound?)`, { cause: error });
    }
  }

  async ping(line: number): Promise<void> {
    const gpio = this.pins.get(line);
    if (gpio === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `GPIO${line} is not open`);
    try {
      await access(join(this.linePath(this.numberOf(line)), 'value'), constants.R_OK);
      await gpio.read();
    } catch (error) {
      throw new HearthError(ErrorCode.GpioIoFailed, `GPIO${line} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    for (const [line, gpio] of this.pins) {
      try {
        gpio.unexport();
      } catch {
        // the tree vanished: nothing left to release
      }
      const number = this.numberOf(line);
      await this.gone(number);
      this.exported.delete(number);
    }
    this.pins.clear();
    await this.saveExported().catch(() => undefined);
  }
}
