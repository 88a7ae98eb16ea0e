/**
 * The login rate limit: at most `maxAttempts` failed logins per client address within a
 * window of `windowMs` (from the first failure); past it every login from there is refused
 * until the window ends, with the seconds left for Retry-After. A good login clears the
 * address. At most MAX_ADDRESSES addresses are tracked (the oldest go first), so a flood from
 * many addresses cannot grow the hub's memory. The clock is handed in.
 */

/** Addresses tracked at once. */
export const MAX_ADDRESSES = 1024;

interface Window {
  startedAt: number;
  failures: number;
}

export interface LoginLimiterOptions {
  maxAttempts: number;
  windowMs: number;
  now?: () => number;
}

export class LoginLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly options: LoginLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfterS(address: string): number {
    const window = this.current(address);
    if (window === undefined || window.failures < this.options.maxAttempts) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.options.windowMs - this.now()) / 1000));
  }

  failed(address: string): void {
    const window = this.current(address);
    if (window !== undefined) {
      window.failures++;
      return;
    }
    if (this.windows.size >= MAX_ADDRESSES) {
      const now = this.now();
      for (const [key, value] of this.windows) if (value.startedAt + this.options.windowMs <= now) this.windows.delete(key);
      while (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value as string);
    }
    this.windows.set(address, { startedAt: this.now(), failures: 1 });
  }

  succeeded(address: string): void {
    this.windows.delete(address);
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window === undefined) return undefined;
    if (window.startedAt + this.options.windowMs <= this.now()) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
