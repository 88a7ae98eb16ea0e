/**
 * The part contract. Everything the hub runs (radios, uplink, store, observability) is a Part:
 * a name, start (which must give up promptly when its signal aborts), stop, and a health
 * report. The hub starts parts in order and stops them in reverse, as Zigbee2MQTT does with
 * its extensions.
 */

export type HealthStatus = 'starting' | 'ok' | 'degraded' | 'down' | 'stopped';

export interface PartHealth {
  status: HealthStatus;
  /** One line for a person: why it is degraded or down. */
  detail?: string;
  /** Anything else worth showing (counts, addresses). */
  [key: string]: unknown;
}

export interface Part {
  readonly name: string;
  /** Starts the part. Rejects when it cannot start; stops waiting when `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  /** Stops the part and releases what it holds. Called only after start resolved. */
  stop(): Promise<void>;
  health(): PartHealth;
}

/**
 * Waits for `work` at most `ms` (then rejects with `timeout()`, or resolves undefined without
 * one) and no longer than `signal` lasts (then rejects with its reason). Leaves no timer, no
 * listener and no promise behind that could reject later with nobody listening (a plain race
 * with abortableDelay does: its delay rejects when the signal aborts long after the race).
 */
export async function within<T>(work: Promise<T>, ms: number, signal: AbortSignal, timeout?: () => Error): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      timer = setTimeout(() => (timeout === undefined ? resolve(undefined) : reject(timeout())), ms);
      onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
