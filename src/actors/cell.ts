/**
 * A Cell is one actor's runtime: its mailbox, and the state machine (cell-state.ts) that takes
 * it through activation, message handling, failure (resume, restart with backoff, stop,
 * escalate), passivation and stop. Every state change goes through `become`, which tells the
 * system (registry, LRU and counts follow from it); the ActorSystem only finds cells and creates
 * them. Messages that arrive while the cell is activating, restarting, suspended or passivating
 * wait in the mailbox and are handled, in order, by the incarnation that comes next.
 */
import type { Logger } from 'pino';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import { backoffDelay } from '../lifecycle/backoff.js';
import type { KindStats } from './actor-metrics.js';
import type { CellHost, CellOptions, KindSettings } from './cell-host.js';
import { isThenable, type CellState, type Passivating, type Restarting, type Running, type Stopping } from './cell-state.js';
import type { Runnable } from './dispatcher.js';
import { Ask, Envelope, offerMessage, PassivateRequest, settlePending, StopRequest } from './envelopes.js';
import { buildIncarnation, runOnStop, saveSnapshot } from './incarnation.js';
import { directiveAfter, type FailedWhile } from './failure-directive.js';
import type { LruNode } from './lru-list.js';
import { Mailbox } from './mailbox.js';
import { RestartBudget } from './supervision.js';
import type { Actor, AnyActorKind } from './types.js';

export class Cell implements Runnable, LruNode<Cell> {
  /** Replaced, never mutated into another tag: a continuation that finds another object here is stale. */
  private current: CellState = { tag: 'activating' };
  scheduled = false;
  lruPrev: Cell | undefined;
  lruNext: Cell | undefined;
  inLru = false;
  lastUsed = 0;
  readonly id: string;
  readonly kind: AnyActorKind;
  readonly mailbox: Mailbox<unknown>;
  readonly settings: KindSettings;
  private readonly host: CellHost;
  private restarts: RestartBudget | undefined;
  private logger: Logger | undefined;
  /** Escalations since the last message handled without failing. */
  private escalationStreak = 0;

  constructor(options: CellOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.settings = options.settings;
    this.host = options.host;
    this.mailbox = new Mailbox(options.settings.mailbox);
  }

  get state(): CellState {
    return this.current;
  }

  get stats(): KindStats {
    return this.settings.stats;
  }

  /** Created on first failure: most actors never fail. */
  private get budget(): RestartBudget {
    return (this.restarts ??= new RestartBudget(this.settings.strategy.budget));
  }

  get log(): Logger {
    return (this.logger ??= this.host.loggerFor(this));
  }

  /** Holds (or is building, or ending) an incarnation. */
  get live(): boolean {
    return this.current.tag !== 'dormant' && this.current.tag !== 'removed';
  }

  /** Idle and running: no message waiting, none in flight. */
  get idle(): boolean {
    return this.ready && this.mailbox.isEmpty;
  }

  /** Running with no async handler in flight: it may take a turn. */
  private get ready(): boolean {
    return this.current.tag === 'running' && !this.current.inFlight;
  }

  private become(next: CellState): void {
    const from = this.current.tag;
    this.current = next;
    this.host.transition(this, from, next.tag);
  }

  /** Puts a runtime request in the mailbox, whatever its bound. */
  postSystem(item: Envelope): void {
    this.mailbox.force(item);
    if (this.ready) this.host.dispatcher.schedule(this);
  }

  /** Puts a message (or envelope) in the mailbox. Throws MAILBOX_FULL under the reject policy. */
  post(item: unknown): void {
    offerMessage(this.mailbox, item, this.id, this.stats);
    if (this.ready) this.host.dispatcher.schedule(this);
  }

  runTurn(throughput: number): void {
    const running = this.current;
    if (running.tag !== 'running' || running.inFlight) return;
    this.host.touch(this);
    const started = performance.now();
    let handled = 0;
    while (handled < throughput && !this.mailbox.isEmpty) {
      const item = this.mailbox.shift();
      handled++;
      if (!(item instanceof Envelope ? this.handleEnvelope(running, item) : this.deliver(running, item, undefined))) break;
    }
    this.stats.messages += handled;
    this.stats.handlerMs += performance.now() - started;
    if (this.current !== running || running.inFlight) return;
    if (this.escalationStreak > 0) this.escalationStreak = 0;
    if (!this.mailbox.isEmpty) this.host.dispatcher.schedule(this);
    else this.host.wentIdle(this);
  }

  /** Handles one envelope; false when the turn must end (async work or a state change). */
  private handleEnvelope(running: Running, item: Envelope): boolean {
    if (item instanceof Ask) {
      if (item.settled) {
        this.stats.cancelled++; // the asker gave up before its turn: do not act on it
        return true;
      }
      return this.deliver(running, item.message, item);
    }
    if (item instanceof StopRequest) {
      void this.stop({ save: item.save }).then(item.done);
      return false;
    }
    if (item instanceof PassivateRequest) {
      void this.passivate().then(item.done);
      return false;
    }
    return true;
  }

  /** Hands one message to the incarnation; false when the turn must end (async work, or it failed). */
  private deliver(running: Running, message: unknown, ask: Ask | undefined): boolean {
    let result: unknown;
    try {
      result = running.instance.receive(message);
    } catch (error) {
      this.failed(error, 'handling', ask);
      return false;
    }
    if (isThenable(result)) {
      this.awaitHandler(running, result, ask);
      return false;
    }
    ask?.succeed(result);
    return true;
  }

  private awaitHandler(running: Running, result: PromiseLike<unknown>, ask: Ask | undefined): void {
    running.inFlight = true;
    const started = performance.now();
    result.then(
      (value) => {
        if (this.current !== running) return;
        this.stats.handlerMs += performance.now() - started;
        running.inFlight = false;
        ask?.succeed(value);
        this.continue();
      },
      (error: unknown) => {
        if (this.current !== running) return;
        this.stats.handlerMs += performance.now() - started;
        running.inFlight = false;
        this.failed(error, 'handling', ask);
        this.continue();
      },
    );
  }

  /** After async work: go on with the next message, or report idle. */
  private continue(): void {
    if (!this.ready) return;
    if (!this.mailbox.isEmpty) this.host.dispatcher.schedule(this);
    else this.host.wentIdle(this);
  }

  /**
   * The one path for every failure, of a handler (failing its ask) or of a start-up: a
   * rejection is no failure; otherwise count, and apply the directive failure-directive.ts
   * chooses (and logs).
   */
  private failed(cause: unknown, during: FailedWhile, ask: Ask | undefined): void {
    if (this.kind.isRejection?.(cause) === true) {
      this.stats.rejections++;
      if (during === 'starting') {
        // the actor refuses to exist (say, its device left the registry): waiting asks get the
        // reason, and the actor is removed rather than restarted
        this.rejectPending(() => cause as HearthError);
        this.log.warn({ err: cause }, `${this.id} refused to start: ${describeError(cause)}; removed`);
        void this.stop({ save: false, cause });
      } else if (ask === undefined) this.log.debug({ err: cause }, `${this.id} refused a message: ${describeError(cause)}`);
      else ask.fail(cause);
      return;
    }
    ask?.fail(new HearthError(ErrorCode.ActorFailed, `${this.id} failed handling the message: ${describeError(cause)}`, { cause }));
    this.stats.failures++;
    const context = {
      id: this.id,
      kind: this.kind.name,
      strategy: this.settings.strategy,
      budget: this.budget,
      now: this.host.now(),
      log: this.log,
    };
    const directive = directiveAfter(cause, during, context);
    if (directive === 'restart') this.restart(cause);
    else if (directive === 'stop') void this.stop({ save: false, cause });
    else if (directive === 'escalate') this.suspend(cause);
  }

  /** Ends this incarnation and builds the next after a backoff; waiting messages stay. */
  private restart(cause: unknown): void {
    this.stats.restarts++;
    const attempt = Math.max(0, this.budget.used(this.host.now()) - 1);
    const delay = this.restartDelay(attempt);
    const restarting: Restarting = { tag: 'restarting', cause, timer: undefined };
    void this.endIncarnation(restarting).then(() => this.armRestart(restarting, delay));
  }

  /** The delay before restart number `attempt` (0-based), from the kind's backoff. */
  private restartDelay(attempt: number): number {
    const { initialMs, maxMs } = this.settings.strategy.backoff;
    return backoffDelay(initialMs, maxMs, attempt, this.host.random);
  }

  /** Builds the next incarnation after `delay`, unless the cell has moved on meanwhile. */
  private armRestart(restarting: Restarting, delay: number): void {
    if (this.current !== restarting) return;
    restarting.timer = setTimeout(() => {
      restarting.timer = undefined;
      if (this.current === restarting) void this.incarnate();
    }, delay);
  }

  /** Escalation: the incarnation ends and the cell waits for the system's word. */
  private suspend(cause: unknown): void {
    this.stats.escalations++;
    const suspended: CellState = { tag: 'suspended', cause };
    void this.endIncarnation(suspended).then(() => {
      if (this.current === suspended) this.host.escalate(this, cause);
    });
  }

  /**
   * A restart ordered by the system after an escalation: a fresh budget, after a backoff that
   * grows with each escalation in a row, so an actor that can never start does not spin.
   */
  restartNow(cause: unknown): void {
    if (this.current.tag !== 'suspended') return;
    this.budget.reset();
    this.stats.restarts++;
    const restarting: Restarting = { tag: 'restarting', cause, timer: undefined };
    this.become(restarting);
    this.armRestart(restarting, this.restartDelay(this.escalationStreak++));
  }

  /**
   * After an escalation the system chose not to restart: waiting messages fail (asks with
   * ACTOR_ESCALATED), and the actor goes dormant; its next message starts it afresh.
   */
  quarantine(cause: unknown): void {
    if (this.current.tag !== 'suspended') return;
    const lost = this.rejectPending(
      () => new HearthError(ErrorCode.ActorEscalated, `${this.id} escalated a failure and was stopped: ${describeError(cause)}`, { cause }),
    );
    this.log.error(
      { err: cause, lost },
      `${this.id} stopped after escalating: ${describeError(cause)}; it starts afresh on its next message`,
    );
    this.become({ tag: 'dormant' });
  }

  /** Drops this incarnation's pending messages (asks fail with `error`), and counts them. */
  private rejectPending(error: () => HearthError): number {
    const lost = settlePending(this.mailbox.drain(), error);
    this.stats.deadLetters += lost;
    return lost;
  }

  /** Moves to `next`, then runs onStop of the incarnation that was running, if one was. */
  private async endIncarnation(next: CellState): Promise<void> {
    const from = this.current;
    this.become(next);
    if (from.tag === 'running') await runOnStop(from.instance, this.log, this.id);
  }

  /** Builds an incarnation from the last snapshot (activating, or restarting once its backoff is over). */
  async incarnate(): Promise<void> {
    const starting = this.current;
    if (starting.tag !== 'activating' && starting.tag !== 'restarting') return;
    const restart = starting.tag === 'restarting' ? { cause: starting.cause } : undefined;
    const wanted = (): boolean => this.current === starting;
    let instance: Actor<unknown> | undefined;
    try {
      instance = await buildIncarnation({
        kind: this.kind,
        id: this.id,
        store: this.host.store,
        context: () => this.host.context(this),
        restart,
        wanted,
      });
    } catch (error) {
      if (wanted()) this.failed(error, 'starting', undefined);
      return;
    }
    if (instance === undefined) return;
    this.stats.activations++;
    this.become({ tag: 'running', instance, inFlight: false });
    this.continue();
  }

  /**
   * Saves a snapshot and frees the incarnation. Messages that arrive meanwhile are kept and
   * start the next incarnation at once. A failing onPassivate or store keeps this incarnation
   * running, state intact. Resolves true when the actor was passivated.
   */
  passivate(): Promise<boolean> {
    const running = this.current;
    if (running.tag !== 'running') return Promise.resolve(false);
    const passivating: Passivating = { tag: 'passivating', instance: running.instance, done: Promise.resolve(false) };
    this.become(passivating);
    passivating.done = this.savePassivating(passivating);
    return passivating.done;
  }

  private async savePassivating(passivating: Passivating): Promise<boolean> {
    const { instance } = passivating;
    try {
      await saveSnapshot(instance, this.host.store, this.kind.name, this.id);
    } catch (error) {
      if (this.current !== passivating) return false;
      this.stats.passivationFailures++;
      this.log.warn({ err: error }, `could not passivate ${this.id}: ${describeError(error)}; it stays active`);
      this.become({ tag: 'running', instance, inFlight: false });
      this.continue();
      return false;
    }
    if (this.current !== passivating) return false;
    this.stats.passivations++;
    if (this.mailbox.isEmpty) {
      this.become({ tag: 'dormant' });
    } else {
      this.become({ tag: 'activating' });
      void this.incarnate();
    }
    return true;
  }

  /**
   * Stops for good: onStop (after a snapshot when `save`); waiting messages fail with
   * ACTOR_STOPPED. Resolves when done; safe to call more than once.
   */
  stop(options: { save: boolean; cause?: unknown }): Promise<void> {
    const from = this.current;
    if (from.tag === 'dormant' || from.tag === 'removed') return Promise.resolve();
    // a passivation under way saves the state; stop what comes after it
    if (from.tag === 'passivating') return from.done.then(() => this.stop(options));
    if (from.tag === 'stopping') return new Promise((resolve) => from.waiters.push(resolve));
    if (from.tag === 'restarting' && from.timer !== undefined) clearTimeout(from.timer);
    const stopped = (): HearthError =>
      new HearthError(ErrorCode.ActorStopped, `${this.id} stopped before handling the message`, { cause: options.cause });
    const instance = from.tag === 'running' ? from.instance : undefined;
    const stopping: Stopping = { tag: 'stopping', waiters: [] };
    const done = new Promise<void>((resolve) => stopping.waiters.push(resolve));
    this.become(stopping);
    void this.finishStop(stopping, instance, options.save, stopped);
    return done;
  }

  private async finishStop(
    stopping: Stopping,
    instance: Actor<unknown> | undefined,
    save: boolean,
    stopped: () => HearthError,
  ): Promise<void> {
    if (instance !== undefined) {
      if (save)
        await saveSnapshot(instance, this.host.store, this.kind.name, this.id).catch((error: unknown) =>
          this.log.error({ err: error }, `could not save the state of ${this.id} while stopping: ${describeError(error)}`),
        );
      await runOnStop(instance, this.log, this.id);
    }
    const lost = this.rejectPending(stopped);
    if (lost > 0) this.log.warn({ lost }, `${this.id} stopped with ${lost} message(s) unhandled`);
    this.become({ tag: 'removed' });
    for (const resolve of stopping.waiters) resolve();
  }
}
