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
