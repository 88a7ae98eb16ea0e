/**
 * Z-Wave's inclusion and exclusion windows: one of each at a time, opened for some seconds and
 * closed by a timer (or at once with 0 seconds); a new window replaces the one still open.
 */
import type { Logger } from 'pino';
import { describeError } from '../../errors.js';

export type JoinWindow = 'inclusion' | 'exclusion';

export class JoinWindows {
  private readonly timers = new Map<JoinWindow, NodeJS.Timeout>();

  constructor(private readonly log: Logger) {}

  /** `what` for `seconds` (0: stop now), replacing a window still open. */
  async open(what: JoinWindow, seconds: number, begin: () => Promise<unknown>, end: () => Promise<unknown>): Promise<void> {
    const open = this.timers.get(what);
    if (open !== undefined) clearTimeout(open);
    this.timers.delete(what);
    if (seconds <= 0) {
      await end();
      return;
    }
    await begin();
    const timer = setTimeout(() => {
      this.timers.delete(what);
      end().catch((error: unknown) => this.log.warn({ err: error }, `could not stop Z-Wave ${what}: ${describeError(error)}`));
    }, seconds * 1000);
    timer.unref();
    this.timers.set(what, timer);
  }

  /** Forgets the timers (the radio stops; zwave-js closes the windows with the driver). */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
