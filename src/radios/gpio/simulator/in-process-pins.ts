/**
 * Simulated pins inside the hub's own process: the demo's fallback where the namespace
 * simulation cannot be made (not root, no unshare). No onoff and no sysfs: outputs keep their
 * level, inputs change when `setLevel` is called (the demo's activity), debounced the way
 * onoff debounces (the value is read once the line stayed quiet `debounceMs`). Faults can be
 * injected for the breaker tests: the pins hang (writes, probes and pings never settle) or fail
 * (they reject with EIO), and single lines go dead (their ping rejects).
 */
import type { InputOptions, InputPin, OutputPin, PinBackend } from '../pin-backend.js';

interface SimulatedLine {
  value: 0 | 1;
  input?: InputOptions;
  timer?: NodeJS.Timeout;
}

export type PinsFault = 'none' | 'hang' | 'fail';

export class InProcessPins implements PinBackend {
  readonly description = 'in-process simulated pins (no onoff, no sysfs)';
  private readonly lines = new Map<number, SimulatedLine>();
  private fault: PinsFault = 'none';
  private readonly dead = new Set<number>();

  /** From now on the pins answer normally, never (hang) or with EIO (fail). */
  inject(fault: PinsFault): void {
    this.fault = fault;
  }

  /** A line whose ping fails (a device that never answers); `false` revives it. */
  setDead(line: number, dead = true): void {
    if (dead) this.dead.add(line);
    else this.dead.delete(line);
  }

  /** Resolves, never settles, or rejects with EIO, as the injected fault says. */
  private answer(what: string): Promise<void> {
    if (this.fault === 'hang') return new Promise(() => undefined);
    if (this.fault === 'fail') return Promise.reject(Object.assign(new Error(`EIO: i/o error, ${what}`), { code: 'EIO' }));
    return Promise.resolve();
  }

  async open(): Promise<void> {}

  output(line: number, options: { activeLow: boolean; initial: 0 | 1 }): Promise<OutputPin> {
    const state: SimulatedLine = { value: options.initial };
    this.lines.set(line, state);
    return Promise.resolve({
      write: (value) =>
        this.answer(`write GPIO${line}`).then(() => {
          state.value = value;
        }),
      read: () => state.value,
    });
  }

  input(line: number, options: InputOptions): Promise<InputPin> {
    const state: SimulatedLine = { value: 0, input: options };
    this.lines.set(line, state);
    return Promise.resolve({ read: () => state.value });
  }

  /** Sets an input's logical level, as a press or a door would. */
  setLevel(line: number, value: 0 | 1): void {
    const state = this.lines.get(line);
    if (state?.input === undefined) throw new Error(`GPIO${line} is not a simulated input`);
    state.value = value;
    const input = state.input;
    if (input.debounceMs === 0) {
      input.onEdge(value);
      return;
    }
    clearTimeout(state.timer);
    state.timer = setTimeout(() => input.onEdge(state.value), input.debounceMs);
  }

  level(line: number): 0 | 1 | undefined {
    return this.lines.get(line)?.value;
  }

  probe(): Promise<void> {
    return this.answer('probe');
  }

  ping(line: number): Promise<void> {
    if (!this.lines.has(line)) return Promise.reject(new Error(`GPIO${line} is not open`));
    if (this.dead.has(line)) return Promise.reject(Object.assign(new Error(`EIO: i/o error, read GPIO${line}`), { code: 'EIO' }));
    return this.answer(`read GPIO${line}`);
  }

  close(): Promise<void> {
    for (const state of this.lines.values()) clearTimeout(state.timer);
    this.lines.clear();
    return Promise.resolve();
  }
}
