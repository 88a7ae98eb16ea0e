/**
 * The hub's typed event bus (after Zigbee2MQTT's lib/eventBus.ts): one event map for the whole
 * hub, listeners keyed by their owner (a part or a feature) and removed together when it stops,
 * and delivery that can never hurt the emitter: events are queued and delivered after the
 * emitter's turn (a microtask later, in emit order), and each listener runs guarded, so one
 * that throws or rejects is logged and counted while the other listeners and the emitter (a
 * device actor in the middle of a message) carry on.
 */
import type { Logger } from 'pino';
import { describeError } from '../errors.js';

/** Something that owns listeners: by convention a part's or a feature's name. */
export type ListenerOwner = string;

type Listener<P> = (payload: P) => void | Promise<void>;

interface Registration {
  owner: ListenerOwner;
  listener: Listener<never>;
}

export class EventBus<M extends object> {
  private readonly listeners = new Map<keyof M, Registration[]>();
  private readonly queue: { event: keyof M; payload: unknown }[] = [];
  private draining = false;
  /** Listener calls that threw or rejected, since start. */
  failures = 0;

  constructor(private readonly log: Logger) {}

  /** `owner` hears `event` until removeOwner(owner). */
  on<K extends keyof M>(owner: ListenerOwner, event: K, listener: Listener<M[K]>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, listener: listener });
    this.listeners.set(event, list);
  }

  /** Removes every listener `owner` registered. */
  removeOwner(owner: ListenerOwner): void {
    for (const [event, list] of this.listeners) {
      const kept = list.filter((registration) => registration.owner !== owner);
      if (kept.length === 0) this.listeners.delete(event);
      else this.listeners.set(event, kept);
    }
  }

  listenerCount(event?: keyof M): number {
    if (event !== undefined) return this.listeners.get(event)?.length ?? 0;
    let count = 0;
    for (const list of this.listeners.values()) count += list.length;
    return count;
  }

  /** Queues `event` for its listeners; they hear it after the caller's turn, in emit order. */
  emit<K extends keyof M>(event: K, payload: M[K]): void {
    if (!this.listeners.has(event)) return;
    this.queue.push({ event, payload });
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    // events emitted by listeners join the end of this same drain
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      for (const registration of this.listeners.get(next.event) ?? []) this.deliver(registration, next.event, next.payload);
    }
    this.draining = false;
  }

  private deliver(registration: Registration, event: keyof M, payload: unknown): void {
    const failed = (error: unknown): void => {
      this.failures++;
      this.log.error(
        { err: error, event: String(event), owner: registration.owner },
        `a listener of ${registration.owner} failed on ${String(event)}: ${describeError(error)}`,
      );
    };
    try {
      const result = (registration.listener as Listener<unknown>)(payload);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
