/**
 * Simulated pins inside the hub's own process: the demo's fallback where the namespace
 * simulation cannot be made (not root, no unshare). No onoff and no sysfs: outputs keep their
 * level, inputs change when `setLevel` is called (the demo's activity), debounced the way
 * onoff debounces (the value is read once the line stayed quiet `debounceMs`).
 */
import type { InputOptions, InputPin, OutputPin, PinBackend } from '../pin-backend.js';

interface SimulatedLine {
  value: 0 | 1;
  input?: InputOptions;
  timer?: NodeJS.Timeout;
}

export class InProcessPins implements PinBackend {
  readonly description = 'in-process simulated pins (no onoff, no sysfs)';
  private readonly lines = new Map<number, SimulatedLine>();

  async open(): Promise<void> {}

  output(line: number, options: { activeLow: boolean; initial: 0 | 1 }): Promise<OutputPin> {
    const state: SimulatedLine = { value: options.initial };
    this.lines.set(line, state);
    return Promise.resolve({
      write: (value) => {
        state.value = value;
        return Promise.resolve();
      },
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

  async probe(): Promise<void> {}

  ping(line: number): Promise<void> {
    return this.lines.has(line) ? Promise.resolve() : Promise.reject(new Error(`GPIO${line} is not open`));
  }

  close(): Promise<void> {
    for (const state of this.lines.values()) clearTimeout(state.timer);
    this.lines.clear();
    return Promise.resolve();
  }
}
