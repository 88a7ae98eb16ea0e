/**
 * Bounds on what comes in over MQTT and on what the hub says back about it. A parsed payload
 * is measured here (nesting depth, keys and list items in all) without recursion, right after
 * JSON.parse and before anything walks it (zod, command validation, JSON.stringify); error
 * answers quote the input only through the bounds below and bounded-text.ts, so no answer
 * grows with the message it answers.
 */
import { boundedText } from '../bounded-text.js';

/** Deepest nesting a command or request payload may have (`{"a":{"b":1}}` is 2 deep). */
export const MAX_PAYLOAD_DEPTH = 16;
/** Most keys and list items a payload may have, counted over every level. */
export const MAX_PAYLOAD_ENTRIES = 1000;
/** Longest error message an answer carries; the rest is cut and counted. */
export const MAX_ERROR_MESSAGE_CHARS = 1024;
/** Longest device or command name an answer repeats. */
export const MAX_ECHOED_NAME_CHARS = 200;
/** Largest error answer, in bytes as published (escapes and UTF-8 counted). */
export const MAX_ERROR_ANSWER_BYTES = 4096;
/** Largest `transaction` (as JSON) echoed back; a bigger one is not echoed. */
export const MAX_TRANSACTION_CHARS = 256;

/**
 * What is wrong with the shape of a parsed payload (too deep, too many entries), or undefined
 * when it is within the bounds. Iterative: a payload nested 10,000 deep is measured, not recursed.
 */
export function payloadShapeProblem(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH, maxEntries = MAX_PAYLOAD_ENTRIES): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let entries = 0;
  while (stack.length > 0) {
    const { value: next, depth } = stack.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth + 1 > maxDepth) return `payload nested deeper than ${maxDepth} levels`;
    const children: unknown[] = Array.isArray(next) ? next : Object.values(next);
    entries += children.length;
    if (entries > maxEntries) return `payload has more than ${maxEntries} keys and list items`;
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/** A name (device, command) quoted in an answer: JSON-quoted and cut. */
export function quotedName(name: string): string {
  return JSON.stringify(boundedText(name, MAX_ECHOED_NAME_CHARS));
}

/** The transaction to echo back: the request's own when it is small, else none. */
export function echoableTransaction(transaction: unknown): unknown {
  if (transaction === undefined) return undefined;
  if (typeof transaction === 'object' && transaction !== null && payloadShapeProblem(transaction, 4, 32) !== undefined) return undefined;
  const text = JSON.stringify(transaction);
  return text !== undefined && text.length <= MAX_TRANSACTION_CHARS ? transaction : undefined;
}

/**
 * An error answer rendered with `message`, cut further while the published bytes are over
 * MAX_ERROR_ANSWER_BYTES (a message of control characters or emoji is longer in JSON and UTF-8
 * than in characters).
 */
export function fittedAnswer(message: string, render: (message: string) => string): string {
  let text = render(message);
  for (
    let keep = Math.floor(message.length / 2);
    Buffer.byteLength(text) > MAX_ERROR_ANSWER_BYTES && keep > 0;
    keep = Math.floor(keep / 2)
  ) {
    text = render(boundedText(message, keep));
  }
  return text;
}
