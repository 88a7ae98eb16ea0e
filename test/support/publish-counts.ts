/**
 * Counting what a subscriber got from the hub (issue 19.7, publish each once): messages per
 * topic, and messages that repeat the state before them on their topic (`last_seen` aside).
 */
import type { Received } from './mqtt-watch.js';

/** How many messages each topic that `keep` accepts got. */
export function countPerTopic(received: readonly Received[], keep: (topic: string) => boolean = () => true): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of received) if (keep(topic)) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}

/** The topics `keep` accepts that got more than one message, with their counts. */
export function repeatedTopics(received: readonly Received[], keep: (topic: string) => boolean): [string, number][] {
  return [...countPerTopic(received, keep)].filter(([, count]) => count > 1);
}

/** A JSON state payload without its `last_seen` (what a consumer compares; a non-JSON payload as it is). */
export function withoutLastSeen(payload: string): string {
  try {
    const { last_seen: _seen, ...rest } = JSON.parse(payload) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return payload;
  }
}

/** Messages on `topic` whose payload is the one of the message before them on it, `last_seen` aside (the same state again). */
export function repeatsInARow(received: readonly Received[], topic: string): Received[] {
  const repeats: Received[] = [];
  let last: string | undefined;
  for (const message of received) {
    if (message.topic !== topic) continue;
    const state = withoutLastSeen(message.payload);
    if (state === last) repeats.push(message);
    last = state;
  }
  return repeats;
}
