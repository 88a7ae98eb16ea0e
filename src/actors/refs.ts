/**
 * What actors and their senders hold: a LocalRef (an actor's address: it keeps the actor's live
 * cell while there is one, and finds or activates it again by id when the cell is gone) and the
 * CellContext an incarnation is built with (its id, kind, logger and its own ref).
 */
import type { Logger } from 'pino';
import type { Cell } from './cell.js';
import type { ActorContext, ActorRef, AskOptions } from './types.js';

/** What refs and contexts need from the system. */
export interface CellSource {
  /** The live cell of `id`, activating a dormant actor. */
  cellFor(id: string): Cell;
  ask<R>(id: string, message: unknown, options?: AskOptions): Promise<R>;
  ref<M, R = unknown>(id: string): ActorRef<M, R>;
}

export class LocalRef<M, R> implements ActorRef<M, R> {
  constructor(
    readonly id: string,
    private readonly system: CellSource,
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

export class CellContext implements ActorContext<unknown> {
  private ref: ActorRef<unknown> | undefined;

  constructor(
    private readonly cell: Cell,
    private readonly system: CellSource,
  ) {}

  get id(): string {
    return this.cell.id;
  }

  get kind(): string {
    return this.cell.kind.name;
  }

  get self(): ActorRef<unknown> {
    return (this.ref ??= this.system.ref(this.cell.id));
  }

  get log(): Logger {
    return this.cell.log;
  }
}
