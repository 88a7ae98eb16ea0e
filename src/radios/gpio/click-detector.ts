/**
 * A button's presses as Zigbee2MQTT-style actions: `single`, `double` (a second press within
 * `doubleClickMs` of the first release) and `long` (held for `longPressMs`, reported while
 * still held; its release reports nothing). Fed with the debounced level; a repeated level is
 * ignored (after a bounce that came back, the kernel may report the same level twice).
 */

export type ButtonAction = 'single' | 'double' | 'long';

export interface ClickTimings {
  doubleClickMs: number;
  longPressMs: number;
}

export class ClickDetector {
  private pressed = false;
  private clicks = 0;
  private longFired = false;
  private longTimer: NodeJS.Timeout | undefined;
  private windowTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timings: ClickTimings,
    private readonly emit: (action: ButtonAction) => void,
  ) {}

  level(pressed: boolean): void {
    if (pressed === this.pressed) return;
    this.pressed = pressed;
    if (pressed) {
      clearTimeout(this.windowTimer);
      this.longTimer = setTimeout(() => {
        this.longFired = true;
        this.clicks = 0;
        this.emit('long');
      }, this.timings.longPressMs);
      return;
    }
    clearTimeout(this.longTimer);
    if (this.longFired) {
      this.longFired = false;
      return;
    }
    this.clicks++;
    if (this.clicks >= 2) {
      this.clicks = 0;
      this.emit('double');
      return;
    }
    this.windowTimer = setTimeout(() => {
      this.clicks = 0;
      this.emit('single');
    }, this.timings.doubleClickMs);
  }

  /** The level found at start: taken as it is, no action. */
  sync(pressed: boolean): void {
    this.pressed = pressed;
  }

  stop(): void {
    clearTimeout(this.longTimer);
    clearTimeout(this.windowTimer);
  }
}
