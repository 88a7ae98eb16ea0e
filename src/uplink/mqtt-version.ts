/**
 * Which MQTT version the link speaks (`uplink.mqttVersion`), and what the hub cannot do when it
 * is 3.1.1. `auto` begins with 5 and falls back to 3.1.1 for the rest of the run when the
 * broker refuses 5 (CONNACK 1 or 0x84: NATS 2.9, Mosquitto 1.x), or closes two MQTT 5 attempts
 * in a row without any answer or error and then accepts 3.1.1 (RabbitMQ 3.10's MQTT plugin
 * drops an MQTT 5 CONNECT unanswered). A 3.1.1 attempt that is closed the same way was not
 * about the version (a relay, a broker going down): the next attempt is MQTT 5 again. Since a
 * proxy in front of a broker that is down closes connections just as silently, a version
 * learnt from silence is checked again whenever a connection ends: the next attempt is MQTT 5,
 * and one silent close takes it back to 3.1.1.
 */
import type { MqttClient } from 'mqtt';

export type MqttVersionSetting = 'auto' | '5' | '3.1.1';
export type ProtocolVersion = 4 | 5;

/** What MQTT 3.1.1 lacks that the hub uses over MQTT 5: short names (health, bridge/info) and what that means. */
export const MQTT_311_LIMITS: readonly { name: string; meaning: string }[] = [
  { name: 'response_topic', meaning: 'no response topics: answers go to bridge/response/<command> only' },
  { name: 'session_expiry', meaning: "no session expiry: the broker keeps the hub's session by its own rules, not uplink.sessionExpiryS" },
  { name: 'reason_codes', meaning: 'no refusal reason codes: a publish the broker refuses cannot be told from one it took' },
  { name: 'no_local', meaning: 'no no-local: the hub hears its own publications back (and drops them)' },
  { name: 'maximum_packet_size', meaning: "no Maximum Packet Size: only the broker's own limit keeps oversized publishes away" },
  { name: 'user_properties', meaning: "no user properties: a command's sent_at is not read" },
];

/** Silent closes of MQTT 5 attempts in a row after which 3.1.1 is tried. */
const SILENT_CLOSES_BEFORE_FALLBACK = 2;

export function versionName(version: ProtocolVersion): '5' | '3.1.1' {
  return version === 5 ? '5' : '3.1.1';
}

/** CONNACK code 1 (3.1.1) or 0x84 (5): the broker refused the protocol version we asked for. */
export function isUnsupportedProtocol(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 1 || code === 0x84;
}

export class MqttVersionChoice {
  version: ProtocolVersion;
  /** Why the link speaks 3.1.1 when it does ('configured', 'refused', 'closed'), for the log line. */
  reason: string | undefined;
  private silentCloses = 0;
  /** A 3.1.1 attempt after silent closes, not yet accepted. */
  private trying311 = false;
  private answered = false;
  private failed = false;
  /** The attempt got a CONNACK that accepted it. */
  private accepted = false;
  /** 3.1.1 was learnt from silent closes (not from a refusal): checked again after each connection. */
  private learntFromSilence = false;

  /** `hint`: the version the broker is known to speak (the embedded broker's 3.1.1), used by `auto`. */
  constructor(
    private readonly setting: MqttVersionSetting,
    hint: ProtocolVersion | undefined,
  ) {
    this.version = setting === '5' ? 5 : setting === '3.1.1' ? 4 : (hint ?? 5);
    if (this.version === 4) this.reason = setting === '3.1.1' ? 'configured (uplink.mqttVersion)' : 'the embedded broker speaks 3.1.1';
  }

  /** Follows the attempts of `client` and sets its protocolVersion before each reconnect. Call before it connects. */
  attach(client: MqttClient): void {
    client.options.protocolVersion = this.version;
    client.on('packetreceive', (packet) => {
      this.answered = true;
      if (packet.cmd !== 'connack' || (packet.returnCode ?? packet.reasonCode ?? 0) !== 0) return;
      this.accepted = true;
      if (this.trying311) {
        this.trying311 = false;
        this.learntFromSilence = true;
        this.reason = 'the broker closed MQTT 5 connections unanswered and accepted 3.1.1';
      } else if (this.version === 5) this.learntFromSilence = false;
    });
    client.on('error', () => (this.failed = true));
    client.on('close', () => {
      this.afterAttempt();
      client.options.protocolVersion = this.version;
    });
  }

  /**
   * True when `error` is the broker refusing MQTT 5, which the choice has acted on (the next
   * attempt is 3.1.1): not worth a warning.
   */
  refusedVersion(error: unknown): boolean {
    if (this.setting !== 'auto' || this.version !== 5 || !isUnsupportedProtocol(error)) return false;
    this.version = 4;
    this.reason = 'the broker refused MQTT 5';
    this.silentCloses = 0;
    return true;
  }

  private afterAttempt(): void {
    const silent = !this.answered && !this.failed;
    const accepted = this.accepted;
    this.answered = false;
    this.failed = false;
    this.accepted = false;
    if (this.setting !== 'auto') return;
    if (this.learntFromSilence) {
      // a connection ended: try 5 again; one silent close of it confirms 3.1.1
      if (accepted && this.version === 4) this.version = 5;
      else if (silent && this.version === 5) this.version = 4;
      return;
    }
    if (this.trying311) {
      if (silent) {
        // closed on 3.1.1 just as on 5: not the version; back to 5
        this.trying311 = false;
        this.version = 5;
        this.silentCloses = 0;
      }
      return;
    }
    if (this.version !== 5) return;
    this.silentCloses = silent ? this.silentCloses + 1 : 0;
    if (this.silentCloses >= SILENT_CLOSES_BEFORE_FALLBACK) {
      this.silentCloses = 0;
      this.trying311 = true;
      this.version = 4;
    }
  }
}
