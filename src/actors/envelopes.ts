/**
 * What travels in a mailbox besides plain messages: an Ask (a message with a pending reply,
 * a timeout and an abort signal) and the runtime's own requests (stop, passivate), which are
 * handled in order with the messages around them, and how what waits is settled when it will
 * not be handled. A plain tell is stored as the message itself, so a tell allocates nothing.
 */
import type { KindStats } from './actor-metrics.js';
import type { Mailbox } from './mailbox.js';
import { ErrorCode, HearthError } from '../errors.js';

/** Base of everything the runtime puts in a mailbox; user messages are never instances. */
export abstract class Envelope {}

export class Ask<M = unknown, R = unknown> extends Envelope {
  /** Set once the asker has its answer (or gave up): a late reply goes nowhere. */
  settled = false;
  private timer: NodeJS.Timeout | undefined;
  private signal: AbortSignal | undefined;
  /** The actor asked, for the error messages. */
  private target = '';

  constructor(
    readonly message: M,
    private readonly resolve: (value: R) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    super();
  }

  /** Arms the timeout and the abort signal; `target` names the actor in the errors. */
  arm(target: string, timeoutMs: number, signal: AbortSignal | undefined): void {
    this.target = target;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.fail(new HearthError(ErrorCode.AskAborted, `ask to ${target} was aborted`, { cause: signal.reason }));
        return;
      }
      this.signal = signal;
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.timer = setTimeout(this.onTimeout, timeoutMs, timeoutMs);
  }

  private readonly onTimeout = (timeoutMs: number): void => {
    this.fail(new HearthError(ErrorCode.AskTimeout, `ask to ${this.target} got no reply within ${timeoutMs} ms`));
  };

  private readonly onAbort = (): void => {
    this.fail(new HearthError(ErrorCode.AskAborted, `ask to ${this.target} was aborted`, { cause: this.signal?.reason }));
  };

  succeed(value: R): void {
    if (this.settled) return;
    this.settle();
    this.resolve(value);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** Stop after the messages before this one; `save` keeps a snapshot (system shutdown). */
export class StopRequest extends Envelope {
  constructor(
    readonly save: boolean,
    readonly done: () => void,
  ) {
    super();
  }
}

/** Passivate after the messages before this one; `done` says whether it happened. */
export class PassivateRequest extends Envelope {
  constructor(readonly done: (passivated: boolean) => void) {
    super();
  }
}

/**
 * Settles what waits in a mailbox that will not be handled: asks fail with `error`, stop and
 * passivate requests are answered; returns how many plain messages were lost.
 */
export function settlePending(pending: Iterable<unknown>, error: () => HearthError): number {
  let lost = 0;
  for (const item of pending) {
    if (item instanceof Ask) item.fail(error());
    else if (item instanceof StopRequest) item.done();
    else if (item instanceof PassivateRequest) item.done(false);
    else if (!(item instanceof Envelope)) lost++;
  }
  return lost;
}

/**
 * An item a drop-oldest mailbox pushed out: a dropped ask fails with MESSAGE_DROPPED, a
 * runtime request goes back in front (those are never dropped). True when a message was lost.
 */
export function settleDropped(item: unknown, mailbox: { unshift(item: unknown): void }, owner: string): boolean {
  if (item instanceof Ask) {
    item.fail(new HearthError(ErrorCode.MessageDropped, `mailbox of ${owner} overflowed; the oldest message was dropped`));
    return true;
  }
  if (item instanceof Envelope) {
    mailbox.unshift(item);
    return false;
  }
  return true;
}

/**
 * Puts a message in an actor's mailbox: MAILBOX_FULL under the reject policy; under a drop
 * policy the dropped message is settled (an ask fails with MESSAGE_DROPPED) and counted.
 */
export function offerMessage(mailbox: Mailbox<unknown>, item: unknown, owner: string, stats: KindStats): void {
  const offer = mailbox.offer(item);
  if (!offer.accepted)
    throw new HearthError(ErrorCode.MailboxFull, `mailbox of ${owner} is full (${mailbox.options.capacity} messages); message refused`);
  if (mailbox.size > stats.maxDepth) stats.maxDepth = mailbox.size;
  if (offer.dropped !== undefined && settleDropped(offer.dropped, mailbox, owner)) stats.dropped++;
}
