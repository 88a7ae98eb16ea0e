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
