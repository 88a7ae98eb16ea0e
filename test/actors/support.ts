/**
 * Test kit for the actor runtime: a logger that keeps its lines, and a "counter" kind whose
 * actors record every message and hook call, so tests can assert order and lifecycle.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { ActorSystem, type EscalationHandler } from '../../src/actors/actor-system.js';
import { InMemorySnapshotStore, type SnapshotStore } from '../../src/actors/snapshot-store.js';
import type { SupervisionStrategy } from '../../src/actors/supervision.js';
import type { Actor, ActorContext, ActorKind } from '../../src/actors/types.js';
import type { HearthConfigInput } from '../../src/config/schema.js';
import { actorsConfig } from '../support/config-defaults.js';

export function capturingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { log: pino({ level: 'debug', base: undefined }, destination), lines };
}

export type CounterMessage =
  | { type: 'add'; n: number; tag?: string }
  | { type: 'get' }
  | { type: 'fail'; error: string }
  | { type: 'wait'; gate: Promise<void>; tag?: string };

export interface CounterSnapshot {
  total: number;
}

export interface CounterOptions {
  name?: string;
  passivate?: boolean;
  mailbox?: ActorKind<CounterMessage>['mailbox'];
  supervision?: Partial<SupervisionStrategy>;
  /** Hooks that may throw or hang, to test the runtime's handling of them. */
  onPassivate?: (id: string, total: number) => CounterSnapshot | undefined | Promise<CounterSnapshot | undefined>;
  onStart?: (id: string) => void | Promise<void>;
}

export interface Recorder {
  /** Every message and hook, as "id:event", in the order they ran. */
  events: string[];
  /** Tags of handled add/wait messages, per actor, in order. */
  handled: Map<string, string[]>;
  /** Snapshots each incarnation was created from. */
  createdFrom: { id: string; snapshot: CounterSnapshot | undefined }[];
}

export function counterKind(options: CounterOptions = {}): {
  kind: ActorKind<CounterMessage, number, CounterSnapshot>;
  recorder: Recorder;
} {
  const recorder: Recorder = { events: [], handled: new Map(), createdFrom: [] };
  const kind: ActorKind<CounterMessage, number, CounterSnapshot> = {
    name: options.name ?? 'counter',
    ...(options.passivate === undefined ? {} : { passivate: options.passivate }),
    ...(options.mailbox === undefined ? {} : { mailbox: options.mailbox }),
    ...(options.supervision === undefined ? {} : { supervision: options.supervision }),
    create(context: ActorContext<CounterMessage, number>, snapshot) {
      const id = context.id;
      recorder.createdFrom.push({ id, snapshot });
      let total = snapshot?.total ?? 0;
      const record = (event: string) => recorder.events.push(`${id}:${event}`);
      const handled = (tag: string) => {
        let list = recorder.handled.get(id);
        if (list === undefined) recorder.handled.set(id, (list = []));
        list.push(tag);
      };
      const actor: Actor<CounterMessage, number, CounterSnapshot> = {
        receive(message) {
          switch (message.type) {
            case 'add':
              record(`add ${message.n}`);
              if (message.tag !== undefined) handled(message.tag);
              total += message.n;
              return total;
            case 'get':
              record('get');
              return total;
            case 'fail':
              record(`fail ${message.error}`);
              throw new Error(message.error);
            case 'wait':
              record('wait');
              if (message.tag !== undefined) handled(message.tag);
              return message.gate.then(() => {
                record('waited');
                return total;
              });
          }
        },
        onStart: () => {
          record('start');
          return options.onStart?.(id);
        },
        onStop: () => {
          record('stop');
        },
        onPassivate: () => {
          record('passivate');
          return options.onPassivate === undefined ? { total } : options.onPassivate(id, total);
        },
        onRestart: (cause) => {
          record(`restart after ${(cause as Error).message}`);
        },
      };
      return actor;
    },
  };
  return { kind, recorder };
}

/** A system on the schema's `actors` defaults, except: no idle sweep, short restart delays without jitter, and the test's changes. */
export function testSystem(
  changes: NonNullable<HearthConfigInput['actors']> = {},
  extra: { store?: SnapshotStore; now?: () => number; onEscalation?: EscalationHandler } = {},
): { system: ActorSystem; store: SnapshotStore; lines: Record<string, unknown>[]; metrics: Registry } {
  const { log, lines } = capturingLog();
  const store = extra.store ?? new InMemorySnapshotStore();
  const metrics = new Registry();
  const system = new ActorSystem({
    log,
    store,
    metrics,
    config: actorsConfig({ idleTimeoutMs: 0, ...changes, restart: { backoffInitialMs: 5, backoffMaxMs: 20, ...changes.restart } }),
    random: () => 1,
    ...(extra.now === undefined ? {} : { now: extra.now }),
    ...(extra.onEscalation === undefined ? {} : { onEscalation: extra.onEscalation }),
  });
  return { system, store, lines, metrics };
}

/** A promise and the function that resolves it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** One scrape of the registry: a lookup of a sample by metric name and kind label. */
export async function scrape(registry: Registry): Promise<(name: string, kind: string) => number | undefined> {
  const metrics = await registry.getMetricsAsJSON();
  return (name, kind) => metrics.find((m) => m.name === name)?.values.find((v) => v.labels.kind === kind)?.value;
}

/** The value of one metric sample, by name and kind label (a scrape of its own). */
export async function metricValue(registry: Registry, name: string, kind: string): Promise<number | undefined> {
  return (await scrape(registry))(name, kind);
}

export { until } from '../support/until.js';
