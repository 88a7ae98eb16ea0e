/**
 * What the GPIO radio needs of its pins, so that the same device logic runs on onoff (real
 * boards and the namespace simulation) and on the in-process simulated pins (the demo's
 * fallback). Levels here are logical: 1 is "active" after active-low is applied.
 */

export interface OutputPin {
  write(value: 0 | 1): Promise<void>;
  read(): 0 | 1;
}

export interface InputPin {
  read(): 0 | 1;
}

export interface InputOptions {
  activeLow: boolean;
  debounceMs: number;
  /** Called with the (debounced) logical value after each edge; may repeat a value. */
  onEdge(value: 0 | 1): void;
  /** Called when watching the line failed (the tree vanished, EIO). */
  onError(error: unknown): void;
}

export interface PinBackend {
  /** For logs: "onoff on sysfs (pinctrl-rp1 at base 571)", "in-process simulated pins". */
  readonly description: string;
  /** Checks the sysfs tree and finds the header chip's numbering; throws the user's fix. */
  open(): Promise<void>;
  /** An output, driven to `initial` (logical) from the moment it exists. */
  output(line: number, options: { activeLow: boolean; initial: 0 | 1 }): Promise<OutputPin>;
  input(line: number, options: InputOptions): Promise<InputPin>;
  /** Rejects when the pins as a whole are gone (the sysfs tree vanished). */
  probe(): Promise<void>;
  /** Rejects when this one line cannot be read. */
  ping(line: number): Promise<void>;
  /** Releases every pin (unexports). */
  close(): Promise<void>;
}
