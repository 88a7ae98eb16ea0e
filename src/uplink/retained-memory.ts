/**
 * What the hub last enqueued on each retained topic, for the rule "an identical retained
 * payload is not sent again" (./outgoing.ts): bounded in memory. A payload longer than a digest
 * is kept as its SHA-1 (27 characters whatever the size of a Home Assistant config), an emptied
 * topic (a device removed or renamed: its topics cleared) is forgotten, and past `maxTopics`
 * the topic remembered longest ago is forgotten first (forgetting costs at most one duplicate).
 */
import { createHash } from 'node:crypto';

/** Topics remembered at most (far above a hub's: 200 Zigbee devices make ~1,600 retained topics). */
export const RETAINED_MEMORY_MAX_TOPICS = 100_000;

/** Payloads up to this long are kept as they are (a digest would be no shorter). */
const KEPT_AS_IS = 27;

function fingerprint(payload: string): string {
  return payload.length <= KEPT_AS_IS ? `=${payload}` : `#${createHash('sha1').update(payload).digest('base64')}`;
}

export class RetainedMemory {
  /** Topic → fingerprint of its last payload, in the order the topics were last set. */
  private readonly topics = new Map<string, string>();

  constructor(private readonly maxTopics = RETAINED_MEMORY_MAX_TOPICS) {}

  get size(): number {
    return this.topics.size;
  }

  /** Whether `payload` is the one last set on `topic`. */
  matches(topic: string, payload: string): boolean {
    const kept = this.topics.get(topic);
    return kept !== undefined && kept === fingerprint(payload);
  }

  set(topic: string, payload: string): void {
    this.topics.delete(topic); // to the end: the most recent
    this.topics.set(topic, fingerprint(payload));
    if (this.topics.size <= this.maxTopics) return;
    const oldest = this.topics.keys().next();
    if (oldest.done !== true) this.topics.delete(oldest.value);
  }

  delete(topic: string): void {
    this.topics.delete(topic);
  }

  /** Forgets every topic but those `keep` accepts (given the topic and whether a payload matches). */
  forgetUnless(keep: (topic: string, matches: (payload: string) => boolean) => boolean): void {
    for (const [topic, kept] of this.topics) if (!keep(topic, (payload) => fingerprint(payload) === kept)) this.topics.delete(topic);
  }

  clear(): void {
    this.topics.clear();
  }
}
