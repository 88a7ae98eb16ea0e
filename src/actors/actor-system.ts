/**
 * The ActorSystem: the registry of every actor (a ShardedMap from id to a live Cell or, for a
 * dormant actor, just its kind), spawning, tell and ask, passivation (idle timeout and an
 * active-actor limit in LRU order, swept with bounded work per tick), escalations, and an
 * orderly shutdown that saves every actor's state. Each cell state change reaches it through
 * one call (`transition`), from which the registry entry, the LRU order and the counts follow.
 * It knows nothing of devices.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HearthConfig } from '../config/schema.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import { ActorMetrics, type KindStats } from './actor-metrics.js';
import { Cell } from './cell.js';
import type { CellHost, KindSettings } from './cell-host.js';
import { Census, type Phase, type StateTag } from './cell-state.js';
import { DISPATCH, Dispatcher } from './dispatcher.js';
import { Ask, PassivateRequest, StopRequest } from './envelopes.js';
import { LruList } from './lru-list.js';
import type { OverflowPolicy } from './mailbox.js';
import { CellContext, LocalRef, type CellSource } from './refs.js';
import { ShardedMap } from '../collections/sharded-map.js';
import { InMemorySnapshotStore, type SnapshotStore } from './snapshot-store.js';
import { strategyFrom } from './supervision.js';
import type { ActorKind, ActorRef, AnyActorKind, AskOptions } from './types.js';

/** The `actors` config section, resolved by the schema (src/config/schema.ts holds every default). */
export type ActorsConfig = HearthConfig['actors'];

/** What a full mailbox does when the kind names no policy of its own. */
const DEFAULT_OVERFLOW: OverflowPolicy = 'reject';

/** What the system does with an actor's escalation. */
export type EscalationHandler = (failure: { id: string; kind: string; cause: unknown; restart(): void; quarantine(): void }) => void;

export interface ActorSystemParams {
  log: Logger;
  /** The resolved `actors` config (tests: `defaultsOf('actors')` with their changes). */
  config: ActorsConfig;
  store?: SnapshotStore;
  metrics?: Registry;
  /** Monotonic milliseconds (tests pass their own clock). */
  now?: () => number;
  /** The restart backoff's jitter source, in [0, 1); Math.random by default (tests pass () => 1 for no jitter). */
  random?: () => number;
  /** Escalations; by default the actor is quarantined (dormant, fresh on its next message). */
  onEscalation?: EscalationHandler;
}

/** A registered actor: its live cell, or (dormant) just its kind. */
type Entry = Cell | AnyActorKind;

export class ActorSystem implements CellSource {
  readonly config: ActorsConfig;
  readonly metrics: ActorMetrics;
  private readonly registry: ShardedMap<Entry>;
  private readonly census = new Census();
  private readonly kindSettings = new WeakMap<AnyActorKind, KindSettings>();
  private readonly lru = new LruList<Cell>();
  private readonly dispatcher: Dispatcher;
  private readonly store: SnapshotStore;
  private readonly log: Logger;
  private readonly host: CellHost;
  private readonly onEscalation: EscalationHandler | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private closed = false;

  constructor(params: ActorSystemParams) {
    this.config = params.config;
    this.log = params.log;
    this.store = params.store ?? new InMemorySnapshotStore();
    this.metrics = new ActorMetrics(params.metrics);
    this.onEscalation = params.onEscalation;
    this.now = params.now ?? (() => performance.now());
    this.random = params.random ?? Math.random;
    this.registry = new ShardedMap<Entry>(this.config.registryShards);
    this.dispatcher = new Dispatcher(DISPATCH, (error) => this.log.error({ err: error }, `actor runtime error: ${describeError(error)}`));
    this.host = this.createHost();
  }

  // ── registry ────────────────────────────────────────────────────────────────

  /** Registered actors, live or dormant. */
  get size(): number {
    return this.registry.size;
  }

  /** Actors with a live incarnation. */
  get activeCount(): number {
    return this.census.live;
  }

  has(id: string): boolean {
    return this.registry.has(id);
  }

  isActive(id: string): boolean {
    const entry = this.registry.get(id);
    return entry instanceof Cell && entry.live;
  }

  /** Registers and starts an actor now. Throws ACTOR_EXISTS when the id is taken. */
  spawn<M, R, S>(kind: ActorKind<M, R, S>, id: string): ActorRef<M, R> {
    this.assertOpen();
    this.assertFree(id);
    const cell = this.newCell(kind as AnyActorKind, id, 'unregistered');
    return new LocalRef<M, R>(id, this, cell);
  }

  /** Registers an actor without starting it: it starts on its first message (from its snapshot). */
  register<M, R, S>(kind: ActorKind<M, R, S>, id: string): ActorRef<M, R> {
    this.assertOpen();
    this.assertFree(id);
    this.registry.set(id, kind as AnyActorKind);
    this.census.moved(this.settingsOf(kind as AnyActorKind).stats, 'unregistered', 'dormant');
    return new LocalRef<M, R>(id, this, undefined);
  }

  /** A reference to a registered actor. Throws ACTOR_NOT_FOUND. */
  ref<M, R = unknown>(id: string): ActorRef<M, R> {
    const entry = this.entry(id);
    return new LocalRef<M, R>(id, this, entry instanceof Cell ? entry : undefined);
  }

  tell<M>(id: string, message: M): void {
    this.cellFor(id).post(message);
  }

  ask<R>(id: string, message: unknown, options: AskOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const ask = new Ask<unknown, R>(message, resolve, reject);
      ask.arm(id, options.timeoutMs ?? this.config.askTimeoutMs, options.signal);
      if (ask.settled) return;
      try {
        this.cellFor(id).post(ask);
      } catch (error) {
        ask.fail(error);
      }
    });
  }

  /** Passivates an actor after the messages already sent to it; false when it was not live. */
  passivate(id: string): Promise<boolean> {
    const entry = this.entry(id);
    if (!(entry instanceof Cell)) return Promise.resolve(false);
    return new Promise((resolve) => entry.postSystem(new PassivateRequest(resolve)));
  }

  /**
   * Removes an actor for good, after the messages already sent to it: its snapshot is deleted,
   * and later messages fail with ACTOR_NOT_FOUND.
   */
  async remove(id: string): Promise<void> {
    const entry = this.entry(id);
    const kind = kindOf(entry);
    if (entry instanceof Cell) await new Promise<void>((resolve) => entry.postSystem(new StopRequest(false, resolve)));
    const rest = this.registry.get(id);
    if (rest !== undefined && !(rest instanceof Cell)) {
      // dormant (it was, or it passivated before its stop came): no cell to remove it
      this.registry.delete(id);
      this.census.moved(this.settingsOf(rest).stats, 'dormant', 'unregistered');
    }
    await this.store.delete(kind.name, id);
  }

  /** Resolves once every message sent so far has been handled by a running actor's sync path. */
  settled(): Promise<void> {
    return this.dispatcher.idle();
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────

  /**
   * Starts the idle sweep. It sleeps while no actor is running, and otherwise wakes when the
   * least recently used one could first be idle past the timeout (at most every
   * sweepIntervalMs): an idle hub with every actor dormant has no sweep timer at all.
   */
  start(): void {
    if (this.sweeping || this.config.idleTimeoutMs === 0) return;
    this.sweeping = true;
    this.scheduleSweep();
  }

  private scheduleSweep(): void {
    const head = this.lru.head;
    if (!this.sweeping || this.sweepTimer !== undefined || head === undefined) return;
    const due = head.lastUsed + this.config.idleTimeoutMs - this.now();
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined;
        this.sweep();
      },
      Math.max(this.config.sweepIntervalMs, due),
    );
    this.sweepTimer.unref();
  }

  /**
   * Stops every actor after the messages already sent to it, saving each one's snapshot first.
   * Later tells and asks fail with ACTOR_SYSTEM_STOPPED.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.sweeping = false;
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    const stopping: Promise<void>[] = [];
    for (const entry of this.registry.values()) {
      if (!(entry instanceof Cell)) continue;
      const { tag } = entry.state;
      if (tag === 'running' || tag === 'activating' || tag === 'passivating') {
        stopping.push(new Promise((resolve) => entry.postSystem(new StopRequest(true, resolve))));
      } else {
        stopping.push(entry.stop({ save: true }));
      }
    }
    await Promise.all(stopping);
  }

  // ── internals ───────────────────────────────────────────────────────────────

  private assertOpen(): void {
    if (this.closed) throw new HearthError(ErrorCode.SystemStopped, 'the actor system has shut down');
  }

  private assertFree(id: string): void {
    if (typeof id !== 'string' || id.length === 0)
      throw new HearthError(ErrorCode.ActorNotFound, `actor id: expected a non-empty string, got ${JSON.stringify(id)}`);
    if (this.registry.has(id)) throw new HearthError(ErrorCode.ActorExists, `an actor with id ${id} already exists`);
  }

  private entry(id: string): Entry {
    const entry = this.registry.get(id);
    if (entry === undefined) throw new HearthError(ErrorCode.ActorNotFound, `no actor with id ${id}`);
    return entry;
  }

  /** The live cell of `id`, activating a dormant actor. */
  cellFor(id: string): Cell {
    const entry = this.registry.get(id);
    if (entry instanceof Cell) return entry;
    this.assertOpen();
    if (entry === undefined) throw new HearthError(ErrorCode.ActorNotFound, `no actor with id ${id}`);
    return this.newCell(entry, id, 'dormant');
  }

  /** Per-kind settings, resolved once per kind rather than per actor. */
  private settingsOf(kind: AnyActorKind): KindSettings {
    let settings = this.kindSettings.get(kind);
    if (settings === undefined) {
      settings = {
        strategy: { ...strategyFrom(this.config.restart), ...kind.supervision },
        mailbox: { capacity: kind.mailbox?.capacity ?? this.config.mailboxCapacity, overflow: kind.mailbox?.overflow ?? DEFAULT_OVERFLOW },
        stats: this.metrics.of(kind.name),
        passivatable: kind.passivate !== false,
      };
      this.kindSettings.set(kind, settings);
    }
    return settings;
  }

  /** A new cell for an actor that was `from` (not registered, or dormant), starting its first incarnation. */
  private newCell(kind: AnyActorKind, id: string, from: Phase): Cell {
    const cell = new Cell({ id, kind, settings: this.settingsOf(kind), host: this.host });
    this.registry.set(id, cell);
    this.census.moved(cell.stats, from, cell.state.tag);
    void cell.incarnate();
    this.enforceMaxActive();
    return cell;
  }

  /**
   * The one place a cell's state change is followed: the counts, the LRU order (only running
   * cells are in it) and the registry entry (a dormant actor is its kind; a removed one is gone).
   */
  private transition(cell: Cell, from: StateTag, to: StateTag): void {
    this.census.moved(cell.stats, from, to);
    if (to === 'running') this.touch(cell);
    else if (from === 'running') this.lru.remove(cell);
    if ((to === 'dormant' || to === 'removed') && this.registry.get(cell.id) === cell) {
      if (to === 'dormant') this.registry.set(cell.id, cell.kind);
      else this.registry.delete(cell.id);
    }
  }

  private touch(cell: Cell): void {
    cell.lastUsed = this.now();
    if (cell.settings.passivatable && cell.state.tag === 'running') {
      this.lru.touch(cell);
      if (this.sweepTimer === undefined) this.scheduleSweep();
    }
  }

  /** Passivates least recently used idle actors while more than maxActive are live. */
  private enforceMaxActive(): void {
    let excess = this.census.staying - this.config.maxActive;
    if (excess <= 0) return;
    let node = this.lru.head;
    let looked = 0;
    while (node !== undefined && excess > 0 && looked++ < excess + 16) {
      const next = node.lruNext;
      if (node.idle) {
        excess--;
        void node.passivate();
      }
      node = next;
    }
  }

  /** Passivates actors idle past the timeout, looking at no more than sweepBudget of them. */
  sweep(): void {
    const cutoff = this.now() - this.config.idleTimeoutMs;
    let node = this.lru.head;
    let budget = this.config.sweepBudget;
    while (node !== undefined && budget-- > 0 && node.lastUsed <= cutoff) {
      const next = node.lruNext;
      if (node.idle) void node.passivate();
      else this.lru.touch(node);
      node = next;
    }
    this.scheduleSweep();
  }

  private escalate(cell: Cell, cause: unknown): void {
    if (this.onEscalation === undefined) cell.quarantine(cause);
    else
      this.onEscalation({
        id: cell.id,
        kind: cell.kind.name,
        cause,
        restart: () => cell.restartNow(cause),
        quarantine: () => cell.quarantine(cause),
      });
  }

  private createHost(): CellHost {
    return {
      dispatcher: this.dispatcher,
      store: this.store,
      now: this.now,
      random: this.random,
      transition: (cell, from, to) => this.transition(cell, from, to),
      touch: (cell) => this.touch(cell),
      wentIdle: () => {
        if (this.census.staying > this.config.maxActive) this.enforceMaxActive();
      },
      escalate: (cell, cause) => this.escalate(cell, cause),
      context: (cell) => new CellContext(cell, this),
      loggerFor: (cell) => this.log.child({ actor: cell.id, kind: cell.kind.name }),
    };
  }

  /** Per-kind counters, for health reports and tests. */
  statsOf(kind: string): Readonly<KindStats> {
    return this.metrics.of(kind);
  }
}

function kindOf(entry: Entry): AnyActorKind {
  return entry instanceof Cell ? entry.kind : entry;
}
