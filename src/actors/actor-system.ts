/**
 * The ActorSystem: the registry of every actor (a ShardedMap from id to a live Cell or, for a
 * dormant actor, just its kind), spawning, tell and ask, passivation (idle timeout and an
 * active-actor limit in LRU order, swept with bounded work per tick), escalation from top-level
 * actors, and an orderly shutdown that saves every actor's state. It knows nothing of devices.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import { ActorMetrics, type KindStats } from './actor-metrics.js';
import { Cell, type CellHost } from './cell.js';
import { Dispatcher } from './dispatcher.js';
import { Ask, ChildFailed, PassivateRequest, StopRequest } from './envelopes.js';
import { LruList } from './lru-list.js';
import type { MailboxOptions, OverflowPolicy } from './mailbox.js';
import { ShardedMap } from './sharded-map.js';
import { InMemorySnapshotStore, type SnapshotStore } from './snapshot-store.js';
import { DEFAULT_BACKOFF, DEFAULT_BUDGET, type BackoffOptions, type RestartBudgetOptions, type SupervisionStrategy } from './supervision.js';
import type { ActorContext, ActorKind, ActorRef, AnyActorKind, AskOptions } from './types.js';

export interface ActorSystemOptions {
  /** Shards of the registry (a power of two). */
  registryShards: number;
  /** Live incarnations above which the least recently used idle ones are passivated. */
  maxActive: number;
  /** An actor idle this long is passivated (0 turns the idle sweep off). */
  idleTimeoutMs: number;
  /** How often the idle sweep runs. */
  sweepIntervalMs: number;
  /** Most actors the idle sweep looks at per run. */
  sweepBudget: number;
  mailboxCapacity: number;
  overflow: OverflowPolicy;
  askTimeoutMs: number;
  /** Messages one actor handles before the next gets a turn. */
  throughput: number;
  /** Longest the dispatcher runs before yielding to the event loop. */
  sliceMs: number;
  backoff: BackoffOptions;
  restartBudget: RestartBudgetOptions;
}

export const DEFAULT_ACTOR_SYSTEM_OPTIONS: ActorSystemOptions = {
  registryShards: 256,
  maxActive: 5000,
  idleTimeoutMs: 15 * 60_000,
  sweepIntervalMs: 1000,
  sweepBudget: 200,
  mailboxCapacity: 1000,
  overflow: 'reject',
  askTimeoutMs: 5000,
  throughput: 64,
  sliceMs: 10,
  backoff: DEFAULT_BACKOFF,
  restartBudget: DEFAULT_BUDGET,
};

/** What the system does with a top-level actor's escalation. */
export type EscalationHandler = (failure: { id: string; kind: string; cause: unknown; restart(): void; quarantine(): void }) => void;

export interface ActorSystemParams {
  log: Logger;
  options?: Partial<ActorSystemOptions>;
  store?: SnapshotStore;
  metrics?: Registry;
  /** Monotonic milliseconds (tests pass their own clock). */
  now?: () => number;
  /** Top-level escalations; by default the actor is quarantined (dormant, fresh on its next message). */
  onEscalation?: EscalationHandler;
}

/** A dormant child remembers its parent; a dormant top-level actor is just its kind. */
class DormantChild {
  constructor(
    readonly kind: AnyActorKind,
    readonly parent: string,
  ) {}
}

type Entry = Cell | DormantChild | AnyActorKind;

interface KindSettings {
  strategy: SupervisionStrategy;
  mailbox: MailboxOptions;
  stats: KindStats;
}

class LocalRef<M, R> implements ActorRef<M, R> {
  constructor(
    readonly id: string,
    private readonly system: ActorSystem,
    private cell: Cell | undefined,
  ) {}

  tell(message: M): void {
    let cell = this.cell;
    if (cell === undefined || !cell.live) cell = this.cell = this.system.cellFor(this.id);
    cell.post(message);
  }

  ask(message: M, options?: AskOptions): Promise<R> {
    return this.system.ask<R>(this.id, message, options);
  }
}

class CellContext implements ActorContext<unknown> {
  private ref: ActorRef<unknown> | undefined;

  constructor(
    private readonly cell: Cell,
    private readonly system: ActorSystem,
  ) {}

  get id(): string {
    return this.cell.id;
  }

  get kind(): string {
    return this.cell.kind.name;
  }

  get parent(): string | undefined {
    return this.cell.parent;
  }

  get self(): ActorRef<unknown> {
    return (this.ref ??= this.system.ref(this.cell.id));
  }

  get log(): Logger {
    return this.cell.log;
  }

  spawnChild<CM, CR, CS>(kind: ActorKind<CM, CR, CS>, id: string): ActorRef<CM, CR> {
    return this.system.spawn(kind, id, { parent: this.cell.id });
  }
}

export class ActorSystem {
  readonly options: ActorSystemOptions;
  readonly metrics: ActorMetrics;
  private readonly registry: ShardedMap<Entry>;
  private readonly children = new Map<string, Set<string>>();
  private readonly kindSettings = new WeakMap<AnyActorKind, KindSettings>();
  private readonly lru = new LruList<Cell>();
  private readonly dispatcher: Dispatcher;
  private readonly store: SnapshotStore;
  private readonly log: Logger;
  private readonly host: CellHost;
  private readonly onEscalation: EscalationHandler | undefined;
  private readonly now: () => number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private live = 0;
  private passivating = 0;
  private closed = false;

  constructor(params: ActorSystemParams) {
    this.options = { ...DEFAULT_ACTOR_SYSTEM_OPTIONS, ...params.options };
    this.log = params.log;
    this.store = params.store ?? new InMemorySnapshotStore();
    this.metrics = new ActorMetrics(params.metrics);
    this.onEscalation = params.onEscalation;
    this.now = params.now ?? (() => performance.now());
    this.registry = new ShardedMap<Entry>(this.options.registryShards);
    this.dispatcher = new Dispatcher({ throughput: this.options.throughput, sliceMs: this.options.sliceMs }, (error) =>
      this.log.error({ err: error }, `actor runtime error: ${describeError(error)}`),
    );
    this.host = this.createHost();
  }

  // ── registry ────────────────────────────────────────────────────────────────

  /** Registered actors, live or dormant. */
  get size(): number {
    return this.registry.size;
  }

  /** Actors with a live incarnation. */
  get activeCount(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.registry.has(id);
  }

  isActive(id: string): boolean {
    const entry = this.registry.get(id);
    return entry instanceof Cell && entry.live;
  }

  /** Registers and starts an actor now. Throws ACTOR_EXISTS when the id is taken. */
  spawn<M, R, S>(kind: ActorKind<M, R, S>, id: string, options: { parent?: string } = {}): ActorRef<M, R> {
    this.assertOpen();
    this.assertFree(id);
    if (options.parent !== undefined) this.adopt(options.parent, id);
    const cell = this.newCell(kind as AnyActorKind, id, options.parent);
    return new LocalRef<M, R>(id, this, cell);
  }

  /** Registers an actor without starting it: it starts on its first message (from its snapshot). */
  register<M, R, S>(kind: ActorKind<M, R, S>, id: string): ActorRef<M, R> {
    this.assertOpen();
    this.assertFree(id);
    this.registry.set(id, kind as AnyActorKind);
    this.metrics.of(kind.name).dormant++;
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
      ask.arm(id, options.timeoutMs ?? this.options.askTimeoutMs, options.signal);
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
   * Removes an actor for good, after the messages already sent to it: its children stop, its
   * snapshot is deleted, and later messages fail with ACTOR_NOT_FOUND.
   */
  async remove(id: string): Promise<void> {
    const entry = this.entry(id);
    const kind = kindOf(entry);
    await Promise.all(this.childrenOf(id).map((child) => this.remove(child).catch(() => undefined)));
    if (entry instanceof Cell) await new Promise<void>((resolve) => entry.postSystem(new StopRequest(false, resolve)));
    const rest = this.registry.get(id);
    if (rest !== undefined && !(rest instanceof Cell)) this.dropDormant(id, rest);
    await this.store.delete(kind.name, id);
  }

  /** Resolves once every message sent so far has been handled by a running actor's sync path. */
  settled(): Promise<void> {
    return this.dispatcher.idle();
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────

  /** Starts the idle sweep. */
  start(): void {
    if (this.sweepTimer !== undefined || this.options.idleTimeoutMs === 0) return;
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /**
   * Stops every actor after the messages already sent to it, saving each one's snapshot first.
   * Later tells and asks fail with ACTOR_SYSTEM_STOPPED.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    const stopping: Promise<void>[] = [];
    for (const entry of this.registry.values()) {
      if (!(entry instanceof Cell)) continue;
      if (entry.state === 'running' || entry.state === 'activating' || entry.state === 'passivating') {
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
    if (typeof id !== 'string' || id.length === 0) throw new HearthError(ErrorCode.ActorNotFound, `actor id: expected a non-empty string, got ${JSON.stringify(id)}`);
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
    const stats = this.metrics.of(kindOf(entry).name);
    stats.dormant--;
    return this.newCell(kindOf(entry), id, entry instanceof DormantChild ? entry.parent : undefined);
  }

  /** Per-kind settings, resolved once per kind rather than per actor. */
  private settingsOf(kind: AnyActorKind): KindSettings {
    let settings = this.kindSettings.get(kind);
    if (settings === undefined) {
      settings = {
        strategy: { decide: () => 'restart', backoff: this.options.backoff, budget: this.options.restartBudget, ...kind.supervision },
        mailbox: { capacity: kind.mailbox?.capacity ?? this.options.mailboxCapacity, overflow: kind.mailbox?.overflow ?? this.options.overflow },
        stats: this.metrics.of(kind.name),
      };
      this.kindSettings.set(kind, settings);
    }
    return settings;
  }

  private newCell(kind: AnyActorKind, id: string, parent: string | undefined): Cell {
    const { strategy, mailbox, stats } = this.settingsOf(kind);
    const cell = new Cell(id, kind, parent, mailbox, strategy, kind.passivate !== false, stats, this.host);
    this.registry.set(id, cell);
    stats.active++;
    this.live++;
    void cell.incarnate(undefined);
    this.enforceMaxActive();
    return cell;
  }

  private adopt(parent: string, child: string): void {
    this.entry(parent);
    let set = this.children.get(parent);
    if (set === undefined) this.children.set(parent, (set = new Set()));
    set.add(child);
  }

  private childrenOf(id: string): string[] {
    const set = this.children.get(id);
    return set === undefined ? [] : [...set];
  }

  private dropDormant(id: string, entry: DormantChild | AnyActorKind): void {
    this.registry.delete(id);
    this.metrics.of(kindOf(entry).name).dormant--;
    this.unlinkChild(id, entry instanceof DormantChild ? entry.parent : undefined);
  }

  private unlinkChild(id: string, parent: string | undefined): void {
    if (parent === undefined) return;
    const set = this.children.get(parent);
    set?.delete(id);
    if (set?.size === 0) this.children.delete(parent);
  }

  /** Passivates least recently used idle actors while more than maxActive are live. */
  private enforceMaxActive(): void {
    let excess = this.live - this.passivating - this.options.maxActive;
    if (excess <= 0) return;
    let node = this.lru.head;
    let looked = 0;
    while (node !== undefined && excess > 0 && looked++ < excess + 16) {
      const next = node.lruNext;
      if (node.idle) {
        excess--;
        this.passivateTracked(node);
      }
      node = next;
    }
  }

  private passivateTracked(cell: Cell): void {
    this.passivating++;
    void cell.passivate().finally(() => this.passivating--);
  }

  /** Passivates actors idle past the timeout, looking at no more than sweepBudget of them. */
  sweep(): void {
    const cutoff = this.now() - this.options.idleTimeoutMs;
    let node = this.lru.head;
    let budget = this.options.sweepBudget;
    while (node !== undefined && budget-- > 0 && node.lastUsed <= cutoff) {
      const next = node.lruNext;
      if (node.idle) this.passivateTracked(node);
      else this.lru.touch(node);
      node = next;
    }
  }

  private escalate(cell: Cell, cause: unknown): void {
    const parent = cell.parent === undefined ? undefined : this.registry.get(cell.parent);
    if (parent !== undefined && cell.parent !== undefined && !this.closed) {
      try {
        this.cellFor(cell.parent).postSystem(new ChildFailed(cell.id, cause));
        return;
      } catch (error) {
        this.log.error({ err: error }, `could not escalate ${cell.id} to its parent ${cell.parent}: ${describeError(error)}`);
      }
    }
    if (this.onEscalation !== undefined) {
      this.onEscalation({ id: cell.id, kind: cell.kind.name, cause, restart: () => cell.restartNow(cause), quarantine: () => cell.quarantine(cause) });
    } else {
      cell.quarantine(cause);
    }
  }

  private createHost(): CellHost {
    const lru = this.lru;
    return {
      dispatcher: this.dispatcher,
      store: this.store,
      now: this.now,
      touch: (cell) => {
        cell.lastUsed = this.now();
        if (cell.passivatable && cell.state === 'running') lru.touch(cell);
      },
      forget: (cell) => lru.remove(cell),
      retired: (cell) => {
        this.live--;
        cell.stats.active--;
        cell.stats.dormant++;
        if (this.registry.get(cell.id) === cell) this.registry.set(cell.id, cell.parent === undefined ? cell.kind : new DormantChild(cell.kind, cell.parent));
      },
      removed: (cell) => {
        this.live--;
        cell.stats.active--;
        if (this.registry.get(cell.id) === cell) this.registry.delete(cell.id);
        this.unlinkChild(cell.id, cell.parent);
      },
      wentIdle: () => {
        if (this.live - this.passivating > this.options.maxActive) this.enforceMaxActive();
      },
      escalate: (cell, cause) => this.escalate(cell, cause),
      childrenOf: (id) => this.childrenOf(id),
      stopChild: async (id, save) => {
        const entry = this.registry.get(id);
        if (entry instanceof Cell) await entry.stop({ save });
        const rest = this.registry.get(id);
        if (rest !== undefined && !(rest instanceof Cell)) this.dropDormant(id, rest);
      },
      restartChild: (id, cause) => {
        const entry = this.registry.get(id);
        if (entry instanceof Cell) entry.restartNow(cause);
      },
      quarantineChild: (id, cause) => {
        const entry = this.registry.get(id);
        if (entry instanceof Cell) entry.quarantine(cause);
      },
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
  if (entry instanceof Cell) return entry.kind;
  if (entry instanceof DormantChild) return entry.kind;
  return entry;
}
