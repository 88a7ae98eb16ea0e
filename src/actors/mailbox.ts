/**
 * An actor's mailbox: a bounded FIFO with an overflow policy. `reject` refuses the new message
 * (the sender gets MAILBOX_FULL); `drop-oldest` makes room by dropping the oldest message and
 * hands it back so the caller can count it and fail its ask. Nothing is ever dropped silently.
 * The queue is an array with a moving head: push and shift are O(1) amortised and allocate
 * nothing per message.
 */

export type OverflowPolicy = 'reject' | 'drop-oldest';

export interface MailboxOptions {
  /** Most messages waiting at once. */
  capacity: number;
  overflow: OverflowPolicy;
}

export type Offer<T> = { accepted: true; dropped?: T } | { accepted: false };

const ACCEPTED = { accepted: true } as const;
const REJECTED = { accepted: false } as const;

export class Mailbox<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(readonly options: MailboxOptions) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get isEmpty(): boolean {
    return this.head === this.items.length;
  }

  /** Adds a message at the tail, applying the overflow policy when full. */
  offer(item: T): Offer<T> {
    if (this.size < this.options.capacity) {
      this.items.push(item);
      return ACCEPTED;
    }
    if (this.options.overflow === 'reject') return REJECTED;
    const dropped = this.shift();
    this.items.push(item);
    return dropped === undefined ? ACCEPTED : { accepted: true, dropped };
  }

  /** Adds at the tail whatever the bound (the runtime's own requests). */
  force(item: T): void {
    this.items.push(item);
  }

  /** Puts a message back at the head (it will be the next one taken). Ignores the bound. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  /** Takes the oldest message, or undefined when empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every waiting message, oldest first. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}
