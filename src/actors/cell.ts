/**
 * A Cell is one actor incarnation's runtime: its mailbox, the instance its kind created, and
 * the state machine that takes it through activation, message handling, failure (resume,
 * restart with backoff, stop, escalate), passivation and stop. Every state change happens here;
 * the ActorSystem only finds cells and creates them. Messages that arrive while the cell is
 * activating, restarting, suspended or passivating wait in the mailbox and are handled, in
 * order, by the incarnation that comes next.
 */
import type { Logger } from 'pino';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { KindStats } from './actor-metrics.js';
import type { Dispatcher, Runnable } from './dispatcher.js';
import { Ask, ChildFailed, Envelope, PassivateRequest, StopRequest } from './envelopes.js';
import type { LruNode } from './lru-list.js';
import { Mailbox, type MailboxOptions } from './mailbox.js';
import type { SnapshotStore } from './snapshot-store.js';
import { backoffDelay, RestartBudget, type Directive, type SupervisionStrategy } from './supervision.js';
import type { Actor, ActorContext, AnyActorKind } from './types.js';

export type CellState = 'activating' | 'running' | 'restarting' | 'suspended' | 'passivating' | 'stopping' | 'dead';

/** What a cell needs from its system. */
export interface CellHost {
  readonly dispatcher: Dispatcher;
  readonly store: SnapshotStore;
  /** Monotonic milliseconds. */
  now(): number;
  touch(cell: Cell): void;
  forget(cell: Cell): void;
  /** The cell's incarnation ended; it stays registered, dormant. */
  retired(cell: Cell): void;
  /** The cell stopped for good; it leaves the registry. */
  removed(cell: Cell): void;
  /** A running cell went idle (a chance to enforce the active limit). */
  wentIdle(cell: Cell): void;
  /** The failure goes to the parent, or to the system's escalation policy. */
  escalate(cell: Cell, cause: unknown): void;
  childrenOf(id: string): readonly string[];
  stopChild(id: string, save: boolean): Promise<void>;
  restartChild(id: string, cause: unknown): void;
  quarantineChild(id: string, cause: unknown): void;
  context(cell: Cell): ActorContext<unknown>;
  loggerFor(cell: Cell): Logger;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

export class Cell implements Runnable, LruNode<Cell> {
  state: CellState = 'activating';
  scheduled = false;
  lruPrev: Cell | undefined;
  lruNext: Cell | undefined;
  inLru = false;
  lastUsed = 0;
  readonly mailbox: Mailbox<unknown>;
  private instance: Actor<unknown> | undefined;
  /** An async handler is running; nothing else is handled until it settles. */
  private inFlight = false;
  /** Bumped whenever an incarnation ends, so late continuations of the old one do nothing. */
  private epoch = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopWaiters: (() => void)[] | undefined;
  /** The ask whose async handler is in flight. */
  private currentAsk: Ask | undefined;
  private passivation: Promise<boolean> | undefined;
  /** Escalations since the last message handled without failing. */
  private escalationStreak = 0;

  constructor(
    readonly id: string,
    readonly kind: AnyActorKind,
    readonly parent: string | undefined,
    mailbox: MailboxOptions,
    readonly strategy: SupervisionStrategy,
    readonly passivatable: boolean,
    readonly stats: KindStats,
    private readonly host: CellHost,
  ) {
    this.mailbox = new Mailbox(mailbox);
  }

  private restarts: RestartBudget | undefined;
  private logger: Logger | undefined;

  /** Created on first failure: most actors never fail. */
  get budget(): RestartBudget {
    return (this.restarts ??= new RestartBudget(this.strategy.budget));
  }

  get log(): Logger {
    return (this.logger ??= this.host.loggerFor(this));
  }

  get live(): boolean {
    return this.state !== 'dead';
  }

  /** Idle and running: no message waiting, none in flight. */
  get idle(): boolean {
    return this.state === 'running' && !this.inFlight && this.mailbox.isEmpty;
  }

  // ── messages in ─────────────────────────────────────────────────────────────

  /** Puts a runtime request in the mailbox, whatever its bound. */
  postSystem(item: Envelope): void {
    this.mailbox.force(item);
    if (this.state === 'running' && !this.inFlight) this.host.dispatcher.schedule(this);
  }

  /** Puts a message (or envelope) in the mailbox. Throws MAILBOX_FULL under the reject policy. */
  post(item: unknown): void {
    const offer = this.mailbox.offer(item);
    if (!offer.accepted) {
      throw new HearthError(ErrorCode.MailboxFull, `mailbox of ${this.id} is full (${this.mailbox.options.capacity} messages); message refused`);
    }
    const depth = this.mailbox.size;
    if (depth > this.stats.maxDepth) this.stats.maxDepth = depth;
    if (offer.dropped !== undefined) this.dropped(offer.dropped);
    if (this.state === 'running' && !this.inFlight) this.host.dispatcher.schedule(this);
  }

  private dropped(item: unknown): void {
    if (item instanceof Ask) {
      this.stats.dropped++;
      item.fail(new HearthError(ErrorCode.MessageDropped, `mailbox of ${this.id} overflowed; the oldest message was dropped`));
    } else if (item instanceof Envelope) {
      this.mailbox.unshift(item); // runtime requests are never dropped
    } else {
      this.stats.dropped++;
    }
  }

  // ── handling ────────────────────────────────────────────────────────────────

  runTurn(throughput: number): void {
    if (this.state !== 'running' || this.inFlight) return;
    const instance = this.instance as Actor<unknown>;
    this.host.touch(this);
    const started = performance.now();
    let handled = 0;
    while (handled < throughput && !this.mailbox.isEmpty) {
      const item = this.mailbox.shift();
      handled++;
      if (item instanceof Envelope) {
        if (!this.handleEnvelope(instance, item)) break;
        continue;
      }
      let result: unknown;
      try {
        result = instance.receive(item);
      } catch (error) {
        this.failed(error, undefined);
        break;
      }
      if (isThenable(result)) {
        this.awaitHandler(result, undefined);
        break;
      }
    }
    this.stats.messages += handled;
    this.stats.handlerMs += performance.now() - started;
    if (this.state !== 'running' || this.inFlight) return;
    if (this.escalationStreak > 0) this.escalationStreak = 0;
    if (!this.mailbox.isEmpty) this.host.dispatcher.schedule(this);
    else this.host.wentIdle(this);
  }

  /** Handles one envelope; false when the turn must end (async work or a state change). */
  private handleEnvelope(instance: Actor<unknown>, item: Envelope): boolean {
    if (item instanceof Ask) {
      if (item.settled) {
        this.stats.cancelled++; // the asker gave up before its turn: do not act on it
        return true;
      }
      let result: unknown;
      try {
        result = instance.receive(item.message);
      } catch (error) {
        this.failed(error, item);
        return false;
      }
      if (isThenable(result)) {
        this.awaitHandler(result, item);
        return false;
      }
      item.succeed(result);
      return true;
    }
    if (item instanceof StopRequest) {
      void this.stop({ save: item.save }).then(item.done);
      return false;
    }
    if (item instanceof PassivateRequest) {
      void this.passivate().then(item.done);
      return false;
    }
    if (item instanceof ChildFailed) {
      this.decideForChild(instance, item);
      return false;
    }
    return true;
  }

  private awaitHandler(result: PromiseLike<unknown>, ask: Ask | undefined): void {
    this.inFlight = true;
    this.currentAsk = ask;
    const epoch = this.epoch;
    const started = performance.now();
    result.then(
      (value) => {
        if (epoch !== this.epoch) return;
        this.stats.handlerMs += performance.now() - started;
        this.inFlight = false;
        this.currentAsk = undefined;
        ask?.succeed(value);
        this.continue();
      },
      (error: unknown) => {
        if (epoch !== this.epoch) return;
        this.stats.handlerMs += performance.now() - started;
        this.inFlight = false;
        this.currentAsk = undefined;
        this.failed(error, ask);
        this.continue();
      },
    );
  }

  /** After async work: go on with the next message, or report idle. */
  private continue(): void {
    if (this.state !== 'running' || this.inFlight) return;
    if (!this.mailbox.isEmpty) this.host.dispatcher.schedule(this);
    else this.host.wentIdle(this);
  }

  // ── failure and supervision ───────────────────────────────────────────────

  private directiveFor(cause: unknown): Directive {
    try {
      return this.strategy.decide(cause);
    } catch (error) {
      this.log.error({ err: error }, `supervision strategy of ${this.kind.name} threw; restarting ${this.id}`);
      return 'restart';
    }
  }

  /** A handler threw or rejected: fail its ask, log once, count, apply the strategy. */
  private failed(cause: unknown, ask: Ask | undefined): void {
    if (this.kind.isRejection?.(cause) === true) {
      this.stats.rejections++;
      if (ask === undefined) this.log.debug({ err: cause }, `${this.id} refused a message: ${describeError(cause)}`);
      else ask.fail(cause);
      return;
    }
    ask?.fail(new HearthError(ErrorCode.ActorFailed, `${this.id} failed handling the message: ${describeError(cause)}`, { cause }));
    this.stats.failures++;
    let directive = this.directiveFor(cause);
    if (directive === 'restart' && !this.budget.tryTake(this.host.now())) {
      this.log.error({ err: cause, restarts: this.strategy.budget.maxRestarts, windowMs: this.strategy.budget.windowMs }, `${this.id} failed: ${describeError(cause)}; restart budget spent, escalating`);
      directive = 'escalate';
    } else {
      this.log.warn({ err: cause, directive }, `${this.id} failed: ${describeError(cause)}; ${directive}`);
    }
    this.apply(directive, cause);
  }

  private apply(directive: Directive, cause: unknown): void {
    switch (directive) {
      case 'resume':
        return;
      case 'restart':
        this.restart(cause);
        return;
      case 'stop':
        void this.stop({ save: false, cause });
        return;
      case 'escalate':
        this.suspend(cause);
        return;
    }
  }

  /** Ends this incarnation and builds the next after a backoff; waiting messages stay. */
  private restart(cause: unknown): void {
    this.stats.restarts++;
    const attempt = Math.max(0, this.budget.used(this.host.now()) - 1);
    const delay = backoffDelay(this.strategy.backoff, attempt);
    void this.endIncarnation('restarting').then(() => {
      if (this.state !== 'restarting') return;
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        void this.incarnate(cause);
      }, delay);
    });
  }

  /** Escalation: the incarnation ends and the cell waits for its parent's (or the system's) word. */
  private suspend(cause: unknown): void {
    this.stats.escalations++;
    void this.endIncarnation('suspended').then(() => {
      if (this.state === 'suspended') this.host.escalate(this, cause);
    });
  }

  /**
   * A restart ordered from outside (the parent's or the system's decision): a fresh budget,
   * after a backoff that grows with each escalation in a row, so a child that can never start
   * does not spin its parent.
   */
  restartNow(cause: unknown): void {
    if (this.state !== 'suspended') return;
    this.budget.reset();
    this.stats.restarts++;
    this.state = 'restarting';
    const delay = backoffDelay(this.strategy.backoff, this.escalationStreak++);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'restarting') void this.incarnate(cause);
    }, delay);
  }

  /**
   * After an escalation the system chose not to restart: waiting messages fail (asks with
   * ACTOR_ESCALATED), and the actor goes dormant; its next message starts it afresh.
   */
  quarantine(cause: unknown): void {
    if (this.state !== 'suspended') return;
    const lost = this.rejectPending(() => new HearthError(ErrorCode.ActorEscalated, `${this.id} escalated a failure and was stopped: ${describeError(cause)}`, { cause }));
    this.log.error({ err: cause, lost }, `${this.id} stopped after escalating: ${describeError(cause)}; it starts afresh on its next message`);
    this.state = 'dead';
    this.host.retired(this);
  }

  /** Drops this incarnation's pending messages (asks fail with `error`), and counts them. */
  rejectPending(error: () => HearthError): number {
    let lost = 0;
    for (const item of this.mailbox.drain()) {
      if (item instanceof Ask) item.fail(error());
      else if (item instanceof StopRequest) item.done();
      else if (item instanceof PassivateRequest) item.done(false);
      else if (!(item instanceof Envelope)) lost++;
    }
    this.stats.deadLetters += lost;
    return lost;
  }

  private async endIncarnation(next: CellState): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.inFlight = false;
    this.epoch++;
    this.state = next;
    this.host.forget(this);
    if (instance?.onStop === undefined) return;
    try {
      await instance.onStop();
    } catch (error) {
      this.log.warn({ err: error }, `onStop of ${this.id} failed: ${describeError(error)}`);
    }
  }

  private decideForChild(instance: Actor<unknown>, failure: ChildFailed): void {
    const escalated = (): HearthError => new HearthError(ErrorCode.ActorEscalated, `child ${failure.childId} of ${this.id} escalated: ${describeError(failure.cause)}`, { cause: failure.cause });
    if (instance.onChildFailure === undefined) {
      this.host.quarantineChild(failure.childId, failure.cause);
      this.failed(escalated(), undefined);
      return;
    }
    this.inFlight = true;
    const epoch = this.epoch;
    const onChildFailure = instance.onChildFailure.bind(instance);
    void (async () => {
      let directive: Directive;
      try {
        directive = await onChildFailure(failure.childId, failure.cause);
      } catch (error) {
        directive = 'escalate';
        this.log.warn({ err: error }, `onChildFailure of ${this.id} threw: ${describeError(error)}`);
      }
      if (epoch !== this.epoch) return;
      this.inFlight = false;
      if (directive === 'restart' || directive === 'resume') this.host.restartChild(failure.childId, failure.cause);
      else if (directive === 'stop') await this.host.stopChild(failure.childId, false);
      else {
        this.host.quarantineChild(failure.childId, failure.cause);
        this.failed(escalated(), undefined);
      }
      this.continue();
    })();
  }

  // ── incarnations ────────────────────────────────────────────────────────────

  /** Builds an incarnation from the last snapshot; `restartCause` marks a restart. */
  async incarnate(restartCause: unknown): Promise<void> {
    const epoch = this.epoch;
    const restart = this.state === 'restarting';
    try {
      const snapshot = await this.host.store.load(this.kind.name, this.id);
      if (epoch !== this.epoch) return;
      const instance = this.kind.create(this.host.context(this), snapshot) as Actor<unknown>;
      this.instance = instance;
      if (instance.onStart !== undefined) await instance.onStart();
      if (epoch !== this.epoch) return;
      if (restart && instance.onRestart !== undefined) await instance.onRestart(restartCause);
      if (epoch !== this.epoch) return;
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.activationFailed(error);
      return;
    }
    this.state = 'running';
    this.stats.activations++;
    this.host.touch(this);
    this.continue();
  }

  private activationFailed(cause: unknown): void {
    if (this.kind.isRejection?.(cause) === true) {
      // the actor refuses to exist (say, its device left the registry): waiting asks get the
      // reason, and the actor is removed rather than restarted
      this.stats.rejections++;
      this.rejectPending(() => cause as HearthError);
      this.log.warn({ err: cause }, `${this.id} refused to start: ${describeError(cause)}; removed`);
      this.instance = undefined;
      this.state = 'restarting';
      void this.stop({ save: false, cause });
      return;
    }
    this.stats.failures++;
    let directive = this.directiveFor(cause);
    if (directive === 'resume') directive = 'restart'; // there is no incarnation to resume
    if (directive === 'restart' && !this.budget.tryTake(this.host.now())) {
      this.log.error({ err: cause }, `${this.id} could not start: ${describeError(cause)}; restart budget spent, escalating`);
      directive = 'escalate';
    } else {
      this.log.warn({ err: cause, directive }, `${this.id} could not start: ${describeError(cause)}; ${directive}`);
    }
    this.instance = undefined;
    this.state = 'restarting';
    this.apply(directive, cause);
  }

  // ── passivation ───────────────────────────────────────────────────────────

  /**
   * Saves a snapshot and frees the incarnation. Messages that arrive meanwhile are kept and
   * start the next incarnation at once. A failing onPassivate or store keeps this incarnation
   * running, state intact. Resolves true when the actor was passivated.
   */
  passivate(): Promise<boolean> {
    if (this.state !== 'running') return Promise.resolve(false);
    this.passivation = this.doPassivate().finally(() => (this.passivation = undefined));
    return this.passivation;
  }

  private async doPassivate(): Promise<boolean> {
    const instance = this.instance as Actor<unknown>;
    this.state = 'passivating';
    this.host.forget(this);
    const epoch = this.epoch;
    try {
      const snapshot = instance.onPassivate === undefined ? undefined : await instance.onPassivate();
      if (snapshot !== undefined) await this.host.store.save(this.kind.name, this.id, snapshot);
    } catch (error) {
      if (epoch !== this.epoch) return false;
      this.stats.passivationFailures++;
      this.log.warn({ err: error }, `could not passivate ${this.id}: ${describeError(error)}; it stays active`);
      this.state = 'running';
      this.host.touch(this);
      this.continue();
      return false;
    }
    if (epoch !== this.epoch) return false;
    this.stats.passivations++;
    this.instance = undefined;
    this.epoch++;
    if (this.mailbox.isEmpty) {
      this.state = 'dead';
      this.host.retired(this);
    } else {
      this.state = 'activating';
      void this.incarnate(undefined);
    }
    return true;
  }

  // ── stopping ────────────────────────────────────────────────────────────────

  /**
   * Stops for good: children first, then onStop (after a snapshot when `save`); waiting
   * messages fail with ACTOR_STOPPED. Resolves when done; safe to call more than once.
   */
  stop(options: { save: boolean; cause?: unknown }): Promise<void> {
    if (this.state === 'dead') return Promise.resolve();
    // a passivation under way saves the state; stop what comes after it
    if (this.passivation !== undefined) return this.passivation.then(() => this.stop(options));
    const done = new Promise<void>((resolve) => (this.stopWaiters ??= []).push(resolve));
    if (this.state === 'stopping') return done;
    const instance = this.state === 'running' ? this.instance : undefined;
    const stopped = (): HearthError => new HearthError(ErrorCode.ActorStopped, `${this.id} stopped before handling the message`, { cause: options.cause });
    this.currentAsk?.fail(stopped());
    this.currentAsk = undefined;
    this.state = 'stopping';
    this.epoch++;
    this.inFlight = false;
    this.instance = undefined;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.host.forget(this);
    void (async () => {
      await Promise.all(this.host.childrenOf(this.id).map((child) => this.host.stopChild(child, options.save)));
      if (instance !== undefined) {
        try {
          if (options.save && instance.onPassivate !== undefined) {
            const snapshot = await instance.onPassivate();
            if (snapshot !== undefined) await this.host.store.save(this.kind.name, this.id, snapshot);
          }
        } catch (error) {
          this.log.error({ err: error }, `could not save the state of ${this.id} while stopping: ${describeError(error)}`);
        }
        try {
          await instance.onStop?.();
        } catch (error) {
          this.log.warn({ err: error }, `onStop of ${this.id} failed: ${describeError(error)}`);
        }
      }
      const lost = this.rejectPending(stopped);
      if (lost > 0) this.log.warn({ lost }, `${this.id} stopped with ${lost} message(s) unhandled`);
      this.state = 'dead';
      this.host.removed(this);
      for (const resolve of this.stopWaiters ?? []) resolve();
      this.stopWaiters = undefined;
    })();
    return done;
  }
}
