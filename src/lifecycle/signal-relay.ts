/**
 * Passes the stop signals (SIGINT, SIGTERM) a wrapper process receives on to the child it
 * runs, by their own name, once per request. One Ctrl-C often reaches a wrapper twice: the
 * terminal sends SIGINT to its whole foreground process group, and a wrapper above (tsx under
 * `npm start`, which relays a signal its child did not report within 30 ms) sends another. A
 * signal that comes within `copyWindowMs` of the one passed on is that copy and is dropped; a
 * later one (a second Ctrl-C while the child stops, meaning "exit now") is passed on.
 */

/** The stop signals a hub process answers. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface SignalRelayOptions {
  /** Sends the signal to the child (child.kill). */
  send: (signal: StopSignal) => void;
  /** A signal this soon after the last one passed on is a copy of it (default 1 s). */
  copyWindowMs?: number;
  now?: () => number;
}

export class SignalRelay {
  private lastSentAt: number | undefined;
  private readonly copyWindowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SignalRelayOptions) {
    this.copyWindowMs = options.copyWindowMs ?? 1000;
    this.now = options.now ?? (() => performance.now());
  }

  /** A stop signal reached the wrapper: true when it was passed on, false when it was a copy. */
  received(signal: StopSignal): boolean {
    const now = this.now();
    if (this.lastSentAt !== undefined && now - this.lastSentAt < this.copyWindowMs) return false;
    this.lastSentAt = now;
    this.options.send(signal);
    return true;
  }

  /** Relays this process's stop signals to `send` until the returned function is called. */
  static fromProcess(options: SignalRelayOptions): () => void {
    const relay = new SignalRelay(options);
    const handlers = STOP_SIGNALS.map((signal) => [signal, () => relay.received(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
  }
}
