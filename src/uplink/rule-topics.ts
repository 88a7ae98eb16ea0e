/**
 * The local rules on MQTT: `bridge/rules` (retained; each rule with its source, whether it
 * runs, its last firing and error), republished once a burst of changes is quiet, and the
 * messages rules publish, under `<base>/bridge/rules/<topic>` (the hub's own namespace, so a
 * rule can never overwrite a device's or the bridge's topics), through the outbox.
 */
import type { HubEvents } from '../events/hub-events.js';
import { Coalescer } from './coalescer.js';
import { LISTS_MAX_WAIT_MS, LISTS_QUIET_MS } from './device-topics.js';
import type { OutgoingMessage } from './outbox.js';
import type { Topics } from './topics.js';

export class RuleTopics {
  private latest: readonly unknown[] | undefined;
  private readonly list = new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.publishList());

  constructor(
    private readonly events: HubEvents,
    private readonly topics: Topics,
    private readonly enqueue: (message: OutgoingMessage) => void,
  ) {}

  start(owner: string): void {
    this.events.on(owner, 'rules.changed', ({ rules }) => {
      this.latest = rules;
      this.list.request();
    });
    this.events.on(owner, 'rules.publish', ({ topic, payload, retain }) =>
      this.enqueue({ topic: `${this.topics.bridge('rules')}/${topic}`, payload, retain, kind: retain ? 'state' : 'event' }),
    );
  }

  /** `bridge/rules` again now (a broker that lost it). */
  republish(): void {
    this.list.cancel();
    this.publishList();
  }

  flush(): void {
    this.list.flush();
  }

  stop(): void {
    this.list.cancel();
  }

  private publishList(): void {
    if (this.latest === undefined) return;
    this.enqueue({ topic: this.topics.bridge('rules'), payload: JSON.stringify(this.latest), retain: true, kind: 'state' });
  }
}
