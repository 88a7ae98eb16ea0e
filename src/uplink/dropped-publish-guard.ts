/**
 * Finds a publish that keeps getting the hub's connection dropped, and sets it aside so that
 * what is behind it goes out. A broker drops a client for a PUBLISH it cannot take (Mosquitto
 * for a topic that breaks MQTT's UTF-8 rules, for a packet over its `max_packet_size`; other
 * brokers for their own limits) instead of refusing it in a PUBACK. mqtt.js keeps every
 * unacknowledged QoS 1 publish and sends it again first on the next connection, one at a
 * time, so without this one such message would cut the hub off for good.
 *
 * How it is found: a broker reads a connection's packets in order and drops it at the one it
 * cannot take, so when a connection closes the oldest publish sent on it and not yet
 * acknowledged gets a strike, if it was sent within `windowMs` before the close (an outage
 * long after a send is not the message's fault). A publish acknowledged loses its strikes.
 * One with `maxDrops` strikes in a row is taken out of mqtt.js's store (its callback gets an
 * error that `isSetAside` recognises), logged with its topic and counted.
 */
import type { MqttClient, Packet } from 'mqtt';
import type { Logger } from 'pino';
import { quoted } from '../model/mqtt-text.js';

export interface DroppedPublishOptions {
  /** Drops in a row right after the same publish before it is set aside. */
  maxDrops: number;
  /** A drop counts against a publish sent at most this long before it. */
  windowMs: number;
  now?: () => number;
}

export const DEFAULT_DROPPED_PUBLISH: DroppedPublishOptions = { maxDrops: 3, windowMs: 5000 };

interface Sent {
  topic: string;
  at: number;
}

export class DroppedPublishGuard {
  /** Publishes sent on the current connection and not yet acknowledged, by packet id, oldest first. */
  private readonly sent = new Map<number, Sent>();
  /** Packet id → connections dropped in a row right after it (while it was the oldest unacknowledged). */
  private readonly strikes = new Map<number, number>();
  private removing = false;
  /** Publishes set aside so far. */
  setAside = 0;

  constructor(
    private readonly log: Logger,
    private readonly options: DroppedPublishOptions = DEFAULT_DROPPED_PUBLISH,
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  attach(client: MqttClient): void {
    client.on('packetsend', (packet: Packet) => {
      if (packet.cmd !== 'publish' || packet.qos === 0) return;
      const id = packet.messageId;
      if (id === undefined) return;
      this.sent.delete(id); // sent again: it is as new as this sending
      this.sent.set(id, { topic: packet.topic, at: this.now() });
    });
    client.on('packetreceive', (packet: Packet) => {
      if ((packet.cmd === 'puback' || packet.cmd === 'pubrec') && packet.messageId !== undefined) {
        this.sent.delete(packet.messageId);
        this.strikes.delete(packet.messageId);
      }
    });
    client.on('close', () => this.dropped(client));
  }

  private dropped(client: MqttClient): void {
    const oldest = this.sent.entries().next();
    this.sent.clear();
    if (oldest.done === true) return;
    const [id, sent] = oldest.value;
    if (this.now() - sent.at > this.options.windowMs) return;
    const strikes = (this.strikes.get(id) ?? 0) + 1;
    if (strikes < this.options.maxDrops) {
      this.strikes.set(id, strikes);
      return;
    }
    this.strikes.delete(id);
    // after every 'close' listener has run (mqtt.js's own among them), before a reconnect
    queueMicrotask(() => {
      if (client.outgoing[id] === undefined) return; // acknowledged or removed meanwhile
      this.setAside++;
      this.log.warn(
        { topic: sent.topic, drops: strikes, setAside: this.setAside },
        `the broker dropped the connection ${strikes} times in a row right after a publish to ${quoted(sent.topic)}; that message is set aside (dropped) so that what is behind it goes out`,
      );
      this.removing = true;
      try {
        client.removeOutgoingMessage(id);
      } finally {
        this.removing = false;
      }
    });
  }

  /** Whether a publish callback's `error` is this guard setting that publish aside (mqtt.js calls it back at once). */
  isSetAside(error: unknown): boolean {
    return this.removing && error instanceof Error;
  }
}
