/**
 * What the outbox holds and how its journal records look: the messages (as callers hand them in,
 * as the outbox numbers and holds them) and their packed form in journal records.
 */

export type OutboxKind = 'state' | 'event';

export interface OutgoingMessage {
  topic: string;
  payload: string;
  retain: boolean;
  kind: OutboxKind;
}

export interface OutboxMessage extends OutgoingMessage {
  /** Position in the outbox; increases with every message. */
  seq: number;
  /** When it was enqueued (ms since the epoch). */
  at: number;
}

/** A pending message as the outbox holds it. */
export interface Held extends OutboxMessage {
  /** Bytes of topic and payload (what counts against the bound). */
  bytes: number;
  /** Its journal record is on disk (or being written): its leaving needs a 'd' record. */
  written: boolean;
  /** The 'b' record a timed commit carried it to while its acknowledgement was on its way. */
  carriedIn?: Promise<number> | undefined;
}

export type Packed = [seq: number, topic: string, payload: string, retain: 0 | 1, kind: 's' | 'e', at: number];

/** Journal records, with short keys ('a': one message, as older versions wrote; 'b': a batch). */
export type Entry = { o: 'a'; m: Packed } | { o: 'b'; m: Packed[] } | { o: 'd'; s: number[] } | { o: 'c'; m: Packed[] };

export function pack(message: OutboxMessage): Packed {
  return [message.seq, message.topic, message.payload, message.retain ? 1 : 0, message.kind === 'state' ? 's' : 'e', message.at];
}

export function unpack([seq, topic, payload, retain, kind, at]: Packed): OutboxMessage {
  return { seq, topic, payload, retain: retain === 1, kind: kind === 's' ? 'state' : 'event', at };
}

export function hold(message: OutboxMessage, written: boolean): Held {
  return { ...message, bytes: Buffer.byteLength(message.topic) + Buffer.byteLength(message.payload), written };
}

/** What a journal read back holds: replays its records in order into the pending messages. */
export class RecoveredMessages {
  readonly messages = new Map<number, OutboxMessage>();
  lastSeq = 0;

  replay(entry: Entry): void {
    if (entry.o === 'a') this.add(entry.m);
    else if (entry.o === 'b') for (const packed of entry.m) this.add(packed);
    else if (entry.o === 'd') for (const seq of entry.s) this.messages.delete(seq);
    else {
      this.messages.clear();
      for (const packed of entry.m) this.add(packed);
    }
  }

  private add(packed: Packed): void {
    this.messages.set(packed[0], unpack(packed));
    this.lastSeq = Math.max(this.lastSeq, packed[0]);
  }
}
