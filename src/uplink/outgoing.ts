/**
 * The one way out for what the uplink publishes: a message goes into the durable outbox (and
 * the publisher is told to drain soon), unless MQTT forbids its topic (the broker would drop
 * the hub for it: mqtt-text.ts), which is logged and counted instead. Answers to an MQTT 5
 * response topic outside the hub's base are the one exception: they go straight out.
 *
 * A retained message identical to the last one enqueued for its topic is not enqueued again
 * (the broker holds it already, or the outbox does): two reports of the same values in one
 * millisecond, a `/get` whose read-back changed nothing, an unchanged `bridge/devices`. A
 * broker without a session for the hub makes the hub forget what it sent (`forgetRetained`); a
 * consumer that asks for everything (Home Assistant's birth, an empty `/get`) makes the caller
 * say `again`. Either way a message goes in unless the very same one is still in the outbox.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors.js';
import { publishTopicProblem } from '../model/mqtt-text.js';
import type { Reply } from './command-router.js';
import type { Outbox, OutgoingMessage } from './outbox.js';
import type { OutboxPublisher } from './outbox-publisher.js';
import { RetainedMemory } from './retained-memory.js';

export class Outgoing {
  /** Messages not published because MQTT forbids their topic. */
  invalidTopics = 0;
  /** The connection, once the link made it (replies to a response topic go through it). */
  client: MqttClient | undefined;
  private open: { outbox: Outbox; publisher: OutboxPublisher } | undefined;
  /** Topic → the last non-empty retained payload enqueued for it (what the broker holds, or will), bounded. */
  private readonly retained = new RetainedMemory();
  /** Retained messages not enqueued because the same one was the last for their topic. */
  unchanged = 0;

  constructor(
    private readonly base: string,
    private readonly log: Logger,
  ) {}

  /** Where messages go from now on (the bridge's start). */
  attach(outbox: Outbox, publisher: OutboxPublisher): void {
    this.open = { outbox, publisher };
  }

  /**
   * The broker has no session for the hub, and may hold none of its retained messages: each is
   * new to it again, but for those still in the outbox, which go out in this session (once
   * sent, a republish of the same message would be a duplicate).
   */
  forgetRetained(): void {
    const outbox = this.open?.outbox;
    this.retained.forgetUnless((topic, matches) => {
      const held = outbox?.heldState(topic);
      return held !== undefined && held.retain && matches(held.payload);
    });
  }

  /** Retained topics remembered for the rule above. */
  get rememberedTopics(): number {
    return this.retained.size;
  }

  /**
   * Resolves once everything enqueued so far has reached the broker (or left the outbox
   * superseded); pending while the broker is away. At once when the outbox is closed.
   */
  sent(): Promise<void> {
    const outbox = this.open?.outbox;
    return outbox === undefined ? Promise.resolve() : outbox.leftThrough(outbox.lastSeq);
  }

  /** The outbox is closing (the bridge's stop): nothing more goes in. */
  detach(): void {
    this.open = undefined;
    this.client = undefined;
    this.retained.clear();
  }

  /**
   * Into the outbox (a failed journal write is logged there, once per batch). `again`: the
   * broker may have lost it, so a retained message is not skipped for being the last one sent.
   */
  enqueue(message: OutgoingMessage, again = false): void {
    const open = this.open;
    if (open === undefined) throw new Error('the uplink bridge has not started');
    const problem = publishTopicProblem(message.topic);
    if (problem !== undefined) {
      this.invalidTopics++;
      this.log.warn({ topic: message.topic, code: ErrorCode.TopicInvalid, invalidTopics: this.invalidTopics }, `not published: ${problem}`);
      return;
    }
    if (message.retain) {
      if (message.payload === '') this.retained.delete(message.topic);
      else if ((!again && this.retained.matches(message.topic, message.payload)) || open.outbox.holdsState(message)) {
        this.unchanged++;
        return;
      } else this.retained.set(message.topic, message.payload);
    }
    void open.outbox.enqueue(message);
    open.publisher.scheduleSoon();
  }

  /**
   * Answers on the hub's own topics (`bridge/event` `command_failed` and `command_queued`,
   * `bridge/response/<command>`) go through the outbox like everything else: kept across an
   * outage and a crash, drained at `uplink.drainRatePerS`. The one exception is an answer to an
   * MQTT 5 response topic: the requester's own topic, paired with its correlation data, which
   * the outbox does not keep; it goes straight out (QoS 1) while connected, best-effort, since
   * the client waiting for it is gone by the time a restarted hub could send it.
   */
  reply(reply: Reply): void {
    if (reply.topic.startsWith(`${this.base}/`)) {
      this.enqueue({ topic: reply.topic, payload: reply.payload, retain: false, kind: 'event' });
      return;
    }
    const client = this.client;
    if (client === undefined || !client.connected) return;
    const problem = publishTopicProblem(reply.topic);
    if (problem !== undefined) {
      this.invalidTopics++;
      this.log.warn(
        { topic: reply.topic, code: ErrorCode.TopicInvalid, invalidTopics: this.invalidTopics },
        `reply not published: ${problem}`,
      );
      return;
    }
    const properties = reply.correlationData === undefined ? undefined : { correlationData: reply.correlationData };
    client.publish(reply.topic, reply.payload, { qos: 1, ...(properties === undefined ? {} : { properties }) }, (error) => {
      if (error !== undefined && error !== null) this.log.debug({ err: error, topic: reply.topic }, 'could not publish a reply');
    });
  }
}
