/**
 * How old an incoming command is, so that one queued while the hub was away is not carried
 * out late (a light should not switch on an hour after it was asked to). MQTT carries no
 * timestamp, so the age is
 *
 * - exact when the sender says when it sent the command: the MQTT 5 user property `sent_at`
 *   (milliseconds since the epoch, or an ISO 8601 date);
 * - bounded for a command the broker kept in the hub's persistent session while the hub was
 *   away: it was sent after the hub last heard from the broker, so its age is at most the
 *   time since then. The backlog is told from live commands by a marker: on resuming a
 *   session the hub publishes a marker to itself, which the broker queues behind the backlog
 *   (Mosquitto, EMQX and HiveMQ deliver one session's QoS 1 messages in order); what arrives
 *   before the marker is backlog. When the hub was restarted in between, the last time it
 *   heard from the broker comes from disk (`lastHeard`), and is unknown on a first start;
 * - unknown for a retained command, which the broker replays on every subscription.
 *
 * A command is expired when its exact age, or the bound of its age, is over the limit: a
 * command whose age cannot be shown to be within the limit is not carried out. Live commands
 * without `sent_at` are fresh.
 */
import { randomUUID } from 'node:crypto';
import type { IPublishPacket, MqttClient } from 'mqtt';

export type Verdict = { expired: false } | { expired: true; reason: string };

export interface CommandAgeOptions {
  /** Oldest command carried out, in ms; 0 turns the check off. */
  maxAgeMs: number;
  /** The topic the marker goes to (the hub must be subscribed to it without no-local). */
  markerTopic: string;
  /** When the hub last heard from the broker in an earlier run (ms since the epoch), if known. */
  lastHeard?: number | undefined;
  /** A backlog whose marker never comes back ends after this long. */
  markerTimeoutMs?: number;
  now?: () => number;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** The `sent_at` user property as ms since the epoch; undefined when absent or unreadable. */
export function sentAt(packet: IPublishPacket | undefined): number | undefined {
  const property = packet?.properties?.userProperties?.sent_at;
  const value = Array.isArray(property) ? property[0] : property;
  if (value === undefined) return undefined;
  const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

export class CommandAge {
  /** When the hub last received a packet from the broker. */
  lastHeardAt: number | undefined;
  /** While a session's backlog is being delivered: when the hub last heard from the broker before it (-Infinity when unknown). */
  private backlogSince: number | undefined;
  private marker: string | undefined;
  private markerTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: CommandAgeOptions) {
    this.now = options.now ?? Date.now;
    this.lastHeardAt = options.lastHeard;
  }

  /** Follows `client`'s connections; call before it connects. */
  attach(client: MqttClient): void {
    client.on('packetreceive', (packet) => {
      // the backlog begins with the CONNACK itself: mqtt.js may hand on the queued messages
      // that follow it before it emits 'connect' (a loaded machine showed it)
      if (packet.cmd === 'connack') this.beginSession(packet.sessionPresent, this.lastHeardAt);
      this.lastHeardAt = this.now();
    });
    client.on('connect', () => {
      const marker = this.marker;
      if (marker === undefined) return;
      // after this turn, so that the link's (re)subscription goes out before the marker
      setImmediate(() => {
        if (this.marker !== marker || !client.connected) return;
        client.publish(this.options.markerTopic, JSON.stringify({ marker }), { qos: 1 }, () => undefined);
      });
    });
    client.on('close', () => this.endBacklog());
  }

  /** A connection is accepted: with a resumed session, what comes before the marker is the broker's backlog. */
  private beginSession(sessionPresent: boolean, heardBefore: number | undefined): void {
    this.endBacklog();
    if (!sessionPresent) return;
    this.backlogSince = heardBefore ?? -Infinity;
    this.marker = randomUUID();
    this.markerTimer = setTimeout(() => this.endBacklog(), this.options.markerTimeoutMs ?? 30_000);
    this.markerTimer.unref();
  }

  /** Call for every message on the marker topic; true when it ended the backlog. */
  markerArrived(payload: Buffer): boolean {
    if (this.marker === undefined) return false;
    let marker: unknown;
    try {
      marker = (JSON.parse(payload.toString('utf8')) as { marker?: unknown }).marker;
    } catch {
      return false;
    }
    if (marker !== this.marker) return false;
    this.endBacklog();
    return true;
  }

  private endBacklog(): void {
    this.backlogSince = undefined;
    this.marker = undefined;
    if (this.markerTimer !== undefined) clearTimeout(this.markerTimer);
    this.markerTimer = undefined;
  }

  /** Whether a command that arrives now is too old to carry out. */
  judge(packet: IPublishPacket | undefined): Verdict {
    const limit = this.options.maxAgeMs;
    if (limit <= 0) return { expired: false };
    const now = this.now();
    const sent = sentAt(packet);
    if (sent !== undefined) {
      const age = now - sent;
      return age > limit
        ? { expired: true, reason: `sent ${seconds(age)} ago (sent_at), older than the limit of ${seconds(limit)}` }
        : { expired: false };
    }
    if (packet?.retain === true) {
      return {
        expired: true,
        reason: `a retained command, of unknown age (give it a sent_at user property to have it carried out within ${seconds(limit)})`,
      };
    }
    const since = this.backlogSince;
    if (since === undefined) return { expired: false };
    if (since === -Infinity)
      return {
        expired: true,
        reason: 'queued by the broker while the hub was away, for an unknown time, so possibly older than the limit',
      };
    const bound = now - since;
    return bound > limit
      ? {
          expired: true,
          reason: `queued by the broker while the hub was away (${seconds(bound)}), so possibly older than the limit of ${seconds(limit)}`,
        }
      : { expired: false };
  }
}
