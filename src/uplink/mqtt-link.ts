/**
 * The connection to the broker (mqtt.js): client id from the hub id, credentials and TLS from
 * config, the last will and the birth message on `<base>/bridge/state`, retained
 * `<base>/bridge/info`. Start-up waits a bounded time for the first connection and then goes on
 * offline while mqtt.js keeps reconnecting: a hub whose broker is away still runs its house.
 * (The durable outbox, commands and the full contract come with the uplink issue.)
 */
import { readFile } from 'node:fs/promises';
import { connect, type IClientOptions, type ISubscriptionMap, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { baseTopicOf, type HearthConfig } from '../config/schema.js';
import { describeError } from '../errors.js';
import { BrokerErrorLog } from './broker-error-log.js';
import { within, type Part, type PartHealth } from '../lifecycle/part.js';
import { version } from '../version.js';
import { backoffDelay } from '../lifecycle/backoff.js';
import { brokerServers, serverUrl } from '../config/broker-address.js';
import { transportWarnings } from './transport-warnings.js';
import { MQTT_311_LIMITS, MqttVersionChoice, versionName } from './mqtt-version.js';

export const ONLINE = JSON.stringify({ state: 'online' });
export const OFFLINE = JSON.stringify({ state: 'offline' });

async function readPem(path: string | undefined, what: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`cannot read uplink.tls.${what} (${path}): ${describeError(error)}`, { cause: error });
  }
}

/** Room in a packet besides its payload: fixed header, topic (at most 65,535 bytes), packet id, properties (response topic, correlation data). */
export const PACKET_OVERHEAD_BYTES = 65_536 + 4096;

/** The MQTT 5 Maximum Packet Size the hub announces: a command of `uplink.maxPayloadBytes` and its topic fit. */
export function maximumPacketSizeFor(maxPayloadBytes: number): number {
  return maxPayloadBytes + PACKET_OVERHEAD_BYTES;
}

/** mqtt.js options from config (shared with doctor's probe). */
export async function mqttOptionsFrom(config: HearthConfig): Promise<IClientOptions> {
  const { uplink } = config;
  const options: IClientOptions = {
    clientId: uplink.clientId ?? `hearth-${config.hubId}`,
    keepalive: uplink.keepaliveS,
    protocolVersion: 5,
    reconnectPeriod: uplink.reconnectMinMs,
    // a persistent session: subscriptions and QoS 1 commands survive a short outage
    clean: false,
    // MQTT 5: the broker never sends a packet bigger than a command may be (it drops it), so an
    // oversized publish to <device>/set is never read into the hub's memory at all. A 3.1.1
    // broker does not know this property: its own limit (Mosquitto's max_packet_size) does it.
    properties: { sessionExpiryInterval: uplink.sessionExpiryS, maximumPacketSize: maximumPacketSizeFor(uplink.maxPayloadBytes) },
    // A refused CONNACK (bad credentials, protocol version) must not end reconnecting for good:
    // the broker's users or ACLs may be fixed while the hub sits in its cupboard.
    reconnectOnConnackError: true,
    connectTimeout: 10_000,
    // no mqtt-packet cache of every 2-byte number (on by default): 65,536 small Buffers built at the
    // first packet sent, 40-70 ms of the start (before bridge/devices) and some 6 MB of heap that
    // every full GC marks, for ever, to spare a 2-byte allocation per packet id written
    writeCache: false,
  };
  if (uplink.username !== undefined) options.username = uplink.username;
  if (uplink.password !== undefined) options.password = uplink.password;
  if (uplink.protocol === 'mqtts') {
    const [ca, cert, key] = await Promise.all([
      readPem(uplink.tls.ca, 'ca'),
      readPem(uplink.tls.cert, 'cert'),
      readPem(uplink.tls.key, 'key'),
    ]);
    if (ca !== undefined) options.ca = ca;
    if (cert !== undefined) options.cert = cert;
    if (key !== undefined) options.key = key;
    options.rejectUnauthorized = uplink.tls.rejectUnauthorized;
  }
  return options;
}

/** Resolves when `client` receives `payload` on `topic`, or after `timeoutMs`. */
function messageOn(client: MqttClient, topic: string, payload: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('message', onMessage);
      client.off('close', done);
      resolve();
    };
    const onMessage = (received: string, body: Buffer): void => {
      if (received === topic && body.toString() === payload) done();
    };
    const timer = setTimeout(done, timeoutMs);
    client.on('message', onMessage);
    client.once('close', done);
  });
}

/** How long a stop waits for the broker's answer to the goodbye, and then for the end of the connection. */
export const GOODBYE_TIMEOUT_MS = 1000;

/** Whether `promise` resolves within `timeoutMs` (false: it rejected, or is still pending). */
async function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What another part plugs into the link: subscriptions, and the client once it exists. */
export interface LinkUser {
  /**
   * Topic filters to subscribe to (QoS 1) on every connection, with no-local (MQTT 5: the hub
   * does not hear its own publications back) unless `noLocal` is false.
   */
  subscriptions: (string | { topic: string; noLocal: boolean })[];
  onClient(client: MqttClient): void;
}

export class MqttLink implements Part {
  readonly name = 'uplink';
  private client: MqttClient | undefined;
  private readonly users: LinkUser[] = [];
  private waitLater = false;
  /** The `bridge/info` payload whose publish the broker has not acknowledged yet. */
  private infoUnacknowledged: string | undefined;
  /** Failed connection attempts since the last success (the backoff's exponent). */
  reconnectAttempts = 0;
  private readonly base: string;
  private readonly errors: BrokerErrorLog;
  private readonly servers: readonly { host: string; port: number }[];
  /** The broker of the current (or last) connection attempt. */
  private url: string;
  private version: MqttVersionChoice | undefined;
  /** The MQTT version the last 3.1.1 connection was logged for (one line, not one per reconnect). */
  private loggedVersion: string | undefined;
  private offlineSince: Date | undefined = new Date();
  /** A late will is being answered (lateWill). */
  private sayingOnline = false;

  /**
   * `protocolHint` tells start which MQTT version the broker speaks when that is known
   * beforehand (the embedded broker speaks 3.1.1), sparing the 5 → 3.1.1 fallback round.
   */
  constructor(
    private readonly config: HearthConfig,
    private readonly log: Logger,
    private readonly protocolHint: () => 4 | 5 | undefined = () => undefined,
  ) {
    this.base = baseTopicOf(config);
    this.servers = brokerServers(config);
    this.url = this.urlOf(this.servers[0] ?? config.uplink);
    this.errors = new BrokerErrorLog({ log, broker: this.url, username: config.uplink.username });
  }

  /** Registers a user before start: it gets the client and its subscriptions. */
  use(user: LinkUser): void {
    this.users.push(user);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /**
   * Packets the broker has not acknowledged yet (the outbox's publishes, the link's own,
   * subscriptions): mqtt.js sends them again when a lost connection comes back.
   */
  get unacknowledged(): number {
    return this.client === undefined ? 0 : Object.keys(this.client.outgoing).length;
  }

  async start(signal: AbortSignal): Promise<void> {
    for (const warning of transportWarnings(this.config)) this.log.warn({ broker: this.url }, warning);
    const options = await mqttOptionsFrom(this.config);
    const version = new MqttVersionChoice(this.config.uplink.mqttVersion, this.protocolHint());
    this.version = version;
    options.protocolVersion = version.version;
    options.will = { topic: `${this.base}/bridge/state`, payload: Buffer.from(OFFLINE), qos: 1, retain: true };
    // mqtt.js's failover: each attempt goes to the next server of the list, round it
    if (this.config.uplink.servers !== undefined) options.servers = this.servers.map(({ host, port }) => ({ host, port }));
    this.log.debug({ broker: this.url, servers: options.servers, options: { ...options, will: undefined } }, 'connecting to the broker');
    const client = connect(this.url, options);
    this.client = client;
    version.attach(client);
    for (const user of this.users) user.onClient(client);
    // mqtt.js waits a fixed reconnectPeriod; set it before each attempt is scheduled to back off
    // with jitter. A lost connection schedules it in mqtt.js's 'close' handler (so this one runs
    // first); a refused CONNACK (a wrong password) schedules it right away, before the socket's
    // close, so there the period is set as the CONNACK arrives and that attempt's close leaves it.
    let periodSet = false;
    const nextPeriod = (): void => {
      client.options.reconnectPeriod = backoffDelay(
        this.config.uplink.reconnectMinMs,
        this.config.uplink.reconnectMaxMs,
        this.reconnectAttempts++,
      );
    };
    client.prependListener('packetreceive', (packet) => {
      if (packet.cmd !== 'connack') return;
      const code = packet.reasonCode ?? packet.returnCode ?? 0;
      if (code === 0) return;
      nextPeriod();
      periodSet = true;
    });
    client.prependListener('close', () => {
      if (periodSet) periodSet = false;
      else nextPeriod();
    });
    client.on('connect', () => {
      this.reconnectAttempts = 0;
      this.offlineSince = undefined;
      this.errors.connected();
      this.url = this.urlOf({ host: client.options.host ?? this.config.uplink.host, port: client.options.port ?? this.config.uplink.port });
      this.log.info({ broker: this.url, base: this.base, mqtt: versionName(version.version) }, 'connected to the broker');
      this.sayWhatIsMissing(version);
      this.announce(client).catch((error: unknown) => this.log.warn({ err: error }, 'could not publish the birth message'));
      const topics: ISubscriptionMap = {};
      for (const entry of this.users.flatMap((user) => user.subscriptions)) {
        const { topic, noLocal } = typeof entry === 'string' ? { topic: entry, noLocal: true } : entry;
        topics[topic] = { qos: 1, nl: noLocal };
      }
      if (Object.keys(topics).length > 0) {
        client
          .subscribeAsync(topics)
          .catch((error: unknown) =>
            this.log.warn({ err: error, topics: Object.keys(topics) }, `could not subscribe: ${describeError(error)}`),
          );
      }
    });
    client.on('message', (topic, payload) => this.lateWill(client, topic, payload));
    client.on('close', () => {
      if (this.offlineSince === undefined && this.client === client) {
        this.offlineSince = new Date();
        this.log.warn({ broker: this.url }, 'lost the broker; reconnecting');
      }
    });
    client.on('error', (error) => {
      if (version.refusedVersion(error)) {
        this.log.debug({ broker: this.url }, 'the broker refused MQTT 5; the next attempt is MQTT 3.1.1');
        return;
      }
      if (this.client !== client && (error as { code?: unknown }).code === 'ERR_STREAM_WRITE_AFTER_END') {
        // a command that arrived during the goodbye: unacknowledged, the broker delivers it again next time
        this.log.debug(
          { broker: this.url },
          `the acknowledgement of a message that came while disconnecting was not sent (${describeError(error)})`,
        );
        return;
      }
      this.errors.error(error);
    });
    if (!this.waitLater) await this.waitForBroker(signal);
  }

  /**
   * The start does not wait for the broker (uplink.startupWaitMs); `waitForBroker` does, later
   * (the hub: after the radios started, which go on meanwhile).
   */
  deferStartupWait(): void {
    this.waitLater = true;
  }

  /** Waits up to uplink.startupWaitMs for the first connection; says so when there is none yet. */
  async waitForBroker(signal: AbortSignal): Promise<void> {
    const client = this.client;
    if (client === undefined || this.config.uplink.startupWaitMs === 0 || client.connected) return;
    await within(new Promise((resolve) => client.once('connect', resolve)), this.config.uplink.startupWaitMs, signal);
    if (!client.connected) this.log.warn({ broker: this.url }, 'no broker connection yet; going on offline and retrying');
  }

  private urlOf(server: { host: string; port: number }): string {
    return serverUrl(this.config.uplink.protocol, server.host, server.port);
  }

  /** The MQTT version of the connection, and what the hub cannot do over 3.1.1 (bridge/info, health). */
  mqtt(): { version: '5' | '3.1.1'; without?: string[] } | undefined {
    if (this.version === undefined) return undefined;
    const name = versionName(this.version.version);
    return name === '5' ? { version: name } : { version: name, without: MQTT_311_LIMITS.map((limit) => limit.name) };
  }

  /** One line when a connection is over MQTT 3.1.1 (again after 5), saying why and what the hub cannot do. */
  private sayWhatIsMissing(version: MqttVersionChoice): void {
    const name = versionName(version.version);
    if (name === this.loggedVersion || (name === '5' && this.loggedVersion === undefined)) return;
    this.loggedVersion = name;
    if (name === '5') return;
    this.log.info(
      { broker: this.url, mqtt: name, reason: version.reason, without: MQTT_311_LIMITS.map((limit) => limit.name) },
      `connected over MQTT 3.1.1 (${version.reason ?? 'the broker does not speak MQTT 5'}), which lacks what the hub uses of MQTT 5: ${MQTT_311_LIMITS.map((limit) => limit.meaning).join('; ')}`,
    );
  }

  /** What `bridge/info` carries. */
  info(): { version: string; hub_id: string; base_topic: string; mqtt: ReturnType<MqttLink['mqtt']> } {
    return { version, hub_id: this.config.hubId, base_topic: this.base, mqtt: this.mqtt() };
  }

  /**
   * `offline` on the hub's bridge/state while it is connected: the will of its previous
   * connection, which a broker publishes when a reconnect takes the session over (often after
   * the new birth message, as aedes and RabbitMQ do): said online again, or the broker would hold
   * offline until the next reconnect. It arrives through the bridge's subscription to the base.
   */
  private lateWill(client: MqttClient, topic: string, payload: Buffer): void {
    if (topic !== `${this.base}/bridge/state` || payload.toString('utf8') !== OFFLINE) return;
    if (this.client !== client || !client.connected) return; // the hub's own goodbye, or a connection on its way out
    if (this.sayingOnline) return; // the same will again (a broker may deliver it once per matching subscription)
    this.sayingOnline = true;
    this.log.info({ broker: this.url }, "the broker published the hub's last will after the hub reconnected; saying online again");
    client
      .publishAsync(topic, ONLINE, { qos: 1, retain: true })
      .catch((error: unknown) => this.log.warn({ err: error }, `could not say online again: ${describeError(error)}`))
      .finally(() => (this.sayingOnline = false));
  }

  /**
   * `bridge/state` and `bridge/info`, on every connection. A `bridge/info` the broker had not
   * acknowledged when the last connection was lost is sent again by mqtt.js on this one: the
   * same again would reach the broker twice (decided as the connection opens: its PUBACK may
   * come before this one's turn).
   */
  private async announce(client: MqttClient): Promise<void> {
    const info = JSON.stringify(this.info());
    const resent = info === this.infoUnacknowledged;
    await client.publishAsync(`${this.base}/bridge/state`, ONLINE, { qos: 1, retain: true });
    if (resent) return;
    this.infoUnacknowledged = info;
    try {
      await client.publishAsync(`${this.base}/bridge/info`, info, { qos: 1, retain: true });
    } finally {
      if (this.infoUnacknowledged === info) this.infoUnacknowledged = undefined;
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    if (client.connected) {
      // A clean goodbye: the will is not sent on a normal disconnect, so say offline ourselves.
      // Over MQTT 3.1.1 (no no-local) the broker hands the goodbye back like everything it sent
      // before it: the hub disconnects once it is back, not while the broker still delivers to it
      // (each QoS 1 delivery is acknowledged, and an acknowledgement after the end is mqtt.js's
      // "write after end"). Bounded: a broker that drops it is left after a second.
      const topic = `${this.base}/bridge/state`;
      const echoed = client.options.protocolVersion === 5 ? undefined : messageOn(client, topic, OFFLINE, GOODBYE_TIMEOUT_MS);
      const acknowledged = await settlesWithin(client.publishAsync(topic, OFFLINE, { qos: 1, retain: true }), GOODBYE_TIMEOUT_MS);
      await echoed;
      // mqtt.js's clean end waits for every publish in flight and for the socket to close: a
      // broker that died with its socket not yet known closed would hold the stop until the
      // shutdown timeout. Bounded too; what it did not acknowledge stays in the outbox.
      if (acknowledged && (await settlesWithin(client.endAsync(), GOODBYE_TIMEOUT_MS))) return;
      this.log.warn(
        { broker: this.url, inFlight: Object.keys(client.outgoing).length },
        'the broker did not answer the goodbye: left without it (the outbox keeps what it did not acknowledge)',
      );
      if (!acknowledged) await settlesWithin(client.endAsync(true), GOODBYE_TIMEOUT_MS);
      else client.stream.destroy(); // a clean end under way: only the socket is left to close
    } else {
      await client.endAsync(true);
    }
  }

  health(): PartHealth {
    if (this.client === undefined) return { status: 'stopped' };
    if (this.client.connected) return { status: 'ok', broker: this.url, mqtt: this.mqtt() };
    const since = this.offlineSince?.toISOString();
    return {
      status: 'degraded',
      detail: `broker unreachable${this.errors.last === undefined ? '' : `: ${this.errors.last}`}`,
      broker: this.url,
      since,
      attempts: this.reconnectAttempts,
    };
  }
}
