/**
 * Drains the outbox to the broker: QoS 1, at most `maxInFlight` unacknowledged at once, in
 * outbox order. A backlog (messages enqueued before the current connection, and those of a
 * republish of every retained topic for a broker without the hub's session: `asBacklog`) goes
 * out at most `ratePerS` per second, so an outage's worth does not flood a cloud broker; once
 * it is through, live messages go out as fast as the window allows. A message leaves the outbox on its PUBACK. While the connection is down
 * nothing is taken; mqtt.js resends what was in flight when the connection comes back, and
 * after a restart the outbox itself holds whatever was not acknowledged.
 *
 * A message the broker refuses for good (an MQTT 5 PUBACK with a reason code of 0x80 or more:
 * 0x87 not authorized by its ACL, 0x90 topic name invalid, …) leaves the outbox as if it had
 * been acknowledged: the broker will refuse it again every time, and a message kept for ever
 * at the head of the outbox would hold up everything behind it. It is logged (a warning with
 * the topic and the reason, the first time per topic; later ones at debug) and counted in
 * `refused`. A refusal that can pass (0x97 quota exceeded, 0x91 packet id in use) puts the
 * message back to be sent again.
 *
 * No message can hold the outbox either way: one whose topic MQTT forbids (mqtt-text.ts; an
 * older version could enqueue one) is set aside before it is sent, and one whose publish keeps
 * getting the connection dropped is set aside by the dropped-publish guard. Both leave the
 * outbox, are logged with their topic and counted in `setAside`.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { DroppedPublishGuard, type DroppedPublishOptions } from './dropped-publish-guard.js';
import { publishTopicProblem } from '../model/mqtt-text.js';
import type { Outbox, OutboxMessage } from './outbox.js';

/** PUBACK reason codes of a refusal that may pass: the message is tried again. */
const TRANSIENT_REFUSALS: ReadonlySet<number> = new Set([0x91, 0x97]);

/** The PUBACK reason code of a publish the broker refused (mqtt.js's ErrorWithReasonCode), if it was one. */
function refusalOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 0x80 ? code : undefined;
}

export interface PublisherOptions {
  maxInFlight: number;
  ratePerS: number;
  /** When a publish that keeps getting the connection dropped is set aside. */
  droppedPublish?: DroppedPublishOptions;
}

export class OutboxPublisher {
  private client: MqttClient | undefined;
  private tokens: number;
  private lastRefill = performance.now();
  private timer: NodeJS.Timeout | undefined;
  /** Messages up to this number are a backlog (enqueued before the connection, or by a republish). */
  private backlogThrough = 0;
  /** Republishes still enqueueing: what they enqueue is a backlog. */
  private republishing = 0;
  private connectedOnce = false;
  private scheduled = false;
  private soon = false;
  published = 0;
  /** Messages the broker refused for good (dropped from the outbox). */
  refused = 0;
  /** Topics whose refusal has been logged as a warning (bounded). */
  private readonly refusedTopics = new Set<string>();
  /** Messages set aside: a topic MQTT forbids, or a publish that kept getting the connection dropped. */
  setAside = 0;
  private readonly guard: DroppedPublishGuard;

  constructor(
    private readonly outbox: Outbox,
    private readonly log: Logger,
    private readonly options: PublisherOptions,
  ) {
    this.tokens = options.ratePerS;
    this.guard = new DroppedPublishGuard(log, options.droppedPublish);
  }

  /** Starts draining through `client` whenever it is connected. */
  attach(client: MqttClient): void {
    this.client = client;
    this.guard.attach(client);
    client.on('connect', () => {
      this.connectedOnce = true;
      this.backlogThrough = Math.max(this.backlogThrough, this.outbox.lastSeq);
      this.pump();
    });
  }

  detach(): void {
    this.client = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Call after an acknowledgement: sends on the next turn of the event loop, so one pass
   * serves every acknowledgement that arrived in this one.
   */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /**
   * Call after enqueueing: sends once the current task and its microtasks are done (the
   * actors' drain among them), so one pass serves everything they enqueued (and a state
   * superseded meanwhile is never sent at all), without waiting behind the event loop's poll
   * phase for the next check phase.
   */
  scheduleSoon(): void {
    if (this.soon) return;
    this.soon = true;
    queueMicrotask(() => {
      this.soon = false;
      this.pump();
    });
  }

  /**
   * What is enqueued until `done` settles (a republish of every retained topic, which may be
   * thousands of messages) is a backlog: it goes out at `ratePerS`, like an outage's.
   */
  asBacklog(done: Promise<unknown>): void {
    this.republishing++;
    const settled = (): void => {
      this.republishing--;
      this.backlogThrough = Math.max(this.backlogThrough, this.outbox.lastSeq);
      this.pump();
    };
    done.then(settled, settled);
  }

  /** Sends what the window and the rate allow now. */
  pump(): void {
    const client = this.client;
    if (client === undefined || !client.connected) return;
    if (!this.connectedOnce) {
      // attached to a client already connected
      this.connectedOnce = true;
      this.backlogThrough = Math.max(this.backlogThrough, this.outbox.lastSeq);
    }
    this.refill();
    const next = this.outbox.firstWaitingSeq();
    const backlog = next !== undefined && (this.republishing > 0 || next <= this.backlogThrough);
    const window = this.options.maxInFlight - this.outbox.inFlightCount;
    const room = backlog ? Math.min(window, Math.floor(this.tokens)) : window;
    if (room <= 0) {
      this.later();
      return;
    }
    const batch = this.outbox.take(room);
    if (backlog) this.tokens -= batch.length;
    for (const message of batch) this.send(client, message);
    if (this.outbox.size > this.outbox.inFlightCount) this.later();
  }

  private send(client: MqttClient, message: OutboxMessage): void {
    const problem = publishTopicProblem(message.topic);
    if (problem !== undefined) {
      this.setAsideNow(message);
      this.log.warn({ topic: message.topic, setAside: this.setAside }, `an outbox message is set aside unsent: ${problem}`);
      return;
    }
    client.publish(message.topic, message.payload, { qos: 1, retain: message.retain }, (error) => {
      if (error !== undefined && error !== null) {
        if (this.guard.isSetAside(error)) {
          this.setAsideNow(message); // the guard logged it
          return;
        }
        const reason = refusalOf(error);
        if (reason !== undefined && !TRANSIENT_REFUSALS.has(reason)) {
          this.refusedByBroker(message, reason, describeError(error));
          return;
        }
        // the client ended, or a refusal that can pass: the message stays for the next try
        this.outbox.release(message.seq);
        this.log.debug({ err: error, topic: message.topic }, `publish failed: ${describeError(error)}`);
        return;
      }
      this.published++;
      void this.outbox.ack(message.seq); // a failed journal write is logged by the journal
      this.schedule();
    });
  }

  /** The message leaves the outbox unpublished (it would hold everything behind it). */
  private setAsideNow(message: OutboxMessage): void {
    this.setAside++;
    void this.outbox.ack(message.seq);
    this.schedule();
  }

  private refusedByBroker(message: OutboxMessage, reason: number, text: string): void {
    this.refused++;
    void this.outbox.ack(message.seq);
    const first = !this.refusedTopics.has(message.topic);
    if (first && this.refusedTopics.size < 1000) this.refusedTopics.add(message.topic);
    const fields = { topic: message.topic, reasonCode: `0x${reason.toString(16)}`, refused: this.refused };
    const line = `the broker refused a publish to ${message.topic} (${text}); dropped from the outbox`;
    if (first) this.log.warn(fields, line);
    else this.log.debug(fields, line);
    this.schedule();
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.options.ratePerS, this.tokens + ((now - this.lastRefill) / 1000) * this.options.ratePerS);
    this.lastRefill = now;
  }

  private later(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(5, Math.ceil((1 / this.options.ratePerS) * 1000));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
  }
}
