/**
 * Rate limit for repeated warnings of one cause (an error code and a device, say): each cause
 * is logged at most `burst` times per window; the rest are counted (and reported to
 * `onSuppressed`, the metrics), and when the window ends one summary line says how many of
 * which causes were left out. The causes it tracks are bounded: past `maxCauses` in one window,
 * new causes share one overflow cause, and the window's end forgets them all. However many bad
 * commands a client sends, the log (an SD card) gets a bounded number of lines.
 */
import type { Logger } from 'pino';

export interface WarningLimiterOptions {
  log: Logger;
  /** Warnings of one cause logged per window (default 5). */
  burst?: number;
  /** The window, from the first warning in it (default 60 s). */
  windowMs?: number;
  /** Causes tracked per window (default 256); the rest are counted under one. */
  maxCauses?: number;
  /** Hears each warning left out. */
  onSuppressed?: (cause: string) => void;
}

/** The cause that stands for every cause past `maxCauses`. */
export const OTHER_CAUSES = '(other causes)';
/** How many causes the summary line names. */
const SUMMARY_CAUSES = 10;

export class WarningLimiter {
  private readonly causes = new Map<string, { logged: number; suppressed: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly burst: number;
  private readonly windowMs: number;
  private readonly maxCauses: number;
  /** Warnings left out since start. */
  suppressed = 0;

  constructor(private readonly options: WarningLimiterOptions) {
    this.burst = options.burst ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxCauses = options.maxCauses ?? 256;
  }

  /** Logs `message` at warn level unless this cause has had its share of the window. */
  warn(cause: string, fields: Record<string, unknown>, message: string): void {
    let key = cause;
    let entry = this.causes.get(key);
    if (entry === undefined) {
      if (this.causes.size >= this.maxCauses) key = OTHER_CAUSES;
      entry = this.causes.get(key) ?? { logged: 0, suppressed: 0 };
      this.causes.set(key, entry);
    }
    this.startWindow();
    if (entry.logged < this.burst) {
      entry.logged++;
      this.options.log.warn(fields, message);
      return;
    }
    entry.suppressed++;
    this.suppressed++;
    this.options.onSuppressed?.(key);
  }

  /** Ends the window now: the summary of what was left out, if anything was. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const left = [...this.causes].filter(([, entry]) => entry.suppressed > 0).sort((a, b) => b[1].suppressed - a[1].suppressed);
    this.causes.clear();
    if (left.length === 0) return;
    const total = left.reduce((sum, [, entry]) => sum + entry.suppressed, 0);
    const named = Object.fromEntries(left.slice(0, SUMMARY_CAUSES).map(([cause, entry]) => [cause, entry.suppressed]));
    this.options.log.warn(
      { suppressed: named, suppressedTotal: total, causes: left.length },
      `left out ${total} repeated warnings of ${left.length} causes in the last ${Math.round(this.windowMs / 1000)} s (at most ${this.burst} per cause are logged)`,
    );
  }

  /** Stops the window's timer, logging its summary. */
  stop(): void {
    this.flush();
  }

  private startWindow(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), this.windowMs);
    this.timer.unref();
  }
}
