/**
 * The uplink bridge part: joins the devices to the MQTT link. Device state and events go into
 * the durable outbox (state retained on `<device>`, events on `<device>` not retained,
 * availability on `<device>/availability`), and so do the router's answers on the hub's own
 * topics, and the publisher drains it; incoming commands and bridge requests go through the
 * command router. It starts before the link connects and
 * stops after it, flushing the outbox.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Registry } from 'prom-client';
import { baseTopicOf, type HearthConfig } from '../config/schema.js';
import { haVersionNumber } from '../config/homeassistant-schema.js';
import type { Logger } from 'pino';
import type { DeviceView } from '../model/device-view.js';
import type { DeviceService } from '../devices/device-service.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import type { RadioControl } from '../radios/radio.js';
import { BridgeRequests } from './bridge-requests.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { BridgeEvent } from '../events/bridge-events.js';
import { CommandAge } from './command-age.js';
import { CommandRouter, type Reply } from './command-router.js';
import type { MqttLink } from './mqtt-link.js';
import { Outbox, OUTBOX_BATCH_MS, type OutgoingMessage } from './outbox.js';
import { OutboxPublisher } from './outbox-publisher.js';
import { publishTopicProblem } from '../model/mqtt-text.js';
import { Topics } from './topics.js';
import { registerUplinkMetrics } from './uplink-metrics.js';
import { damageHealth } from '../store/store-damage.js';
import { statePlaceholders } from './homeassistant/discovery-configs.js';
import { HomeAssistantDiscovery } from './homeassistant/ha-discovery.js';
import { version } from '../version.js';

const noRadio = (): Promise<never> => Promise.reject(new HearthError(ErrorCode.RadioUnavailable, 'no radio is running'));
const NO_RADIOS: RadioControl = {
  permitJoin: noRadio,
  exclusion: noRadio,
  backup: noRadio,
  answerInclusion: () => {
    throw new HearthError(ErrorCode.RadioUnavailable, 'no radio is running');
  },
};

/** The settings key under which the last time the broker was heard from is kept. */
const LAST_HEARD_SETTING = 'uplink.lastHeardAt';
/** How often that time is written while connected (one small file write). */
const LAST_HEARD_EVERY_MS = 60_000;

export interface UplinkBridgeOptions {
  stateDir: string;
  base: string;
  devices: DeviceService;
  link: MqttLink;
  log: Logger;
  outboxMaxBytes: number;
  drainRatePerS: number;
  maxInFlight: number;
  maxPayloadBytes: number;
  /** Commands older than this are not carried out (0: no limit). */
  commandMaxAgeMs: number;
  /** Joining and leaving (permit_join, zwave/exclusion); none by default. */
  radios?: RadioControl;
  health?: () => unknown;
  /** How often `bridge/health` is published (0: never). */
  healthIntervalMs: number;
  /** Hears the code of every failed command and bridge request (the metrics' label). */
  onFailure?: (code: string) => void;
  /** Hears each failure warning the log's rate limit left out (metrics). */
  onWarningSuppressed?: () => void;
  /** Home Assistant discovery (config `homeassistant`); none when undefined. */
  homeassistant?: { prefix: string; hubId: string; legacyColorMode?: boolean } | undefined;
  /** Asked at start: false leaves Home Assistant discovery out this time (`homeassistant.publishTo`); true by default. */
  discoveryWanted?: () => boolean;
  /** Where the uplink's metrics go (none by default). */
  metrics?: Registry;
}

/** The state message of a device, in Zigbee2MQTT's shape (`placeholders` for what it has not reported yet). */
export function statePayload(view: DeviceView, placeholders: Record<string, null> = {}): string {
  const payload: Record<string, unknown> = { ...placeholders, ...view.state };
  if (view.lastSeen !== undefined) payload.last_seen = new Date(view.lastSeen).toISOString();
  return JSON.stringify(payload);
}

export class UplinkBridge implements Part {
  readonly name = 'uplink.bridge';
  private outboxStore: Outbox | undefined;
  private publisher: OutboxPublisher | undefined;
  private client: MqttClient | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private commandAge: CommandAge | undefined;
  private router: CommandRouter | undefined;
  private readonly republishing = new Set<'devices' | 'rooms'>();
  private discoveryPart: HomeAssistantDiscovery | undefined;
  /** Messages not published because MQTT forbids their topic. */
  invalidTopics = 0;
  readonly topics: Topics;

  constructor(private readonly options: UplinkBridgeOptions) {
    this.topics = new Topics(options.base);
    if (options.metrics !== undefined) registerUplinkMetrics(options.metrics, { setAside: () => this.publisher?.setAside ?? 0, invalidTopics: () => this.invalidTopics });
  }

  /** The bridge as the `uplink` config section sets it up. */
  static fromConfig(config: HearthConfig, parts: Pick<UplinkBridgeOptions, 'devices' | 'link' | 'log' | 'health' | 'radios' | 'onFailure' | 'onWarningSuppressed' | 'metrics' | 'discoveryWanted'>): UplinkBridge {
    const { uplink } = config;
    return new UplinkBridge({
      ...parts,
      stateDir: config.stateDir,
      base: baseTopicOf(config),
      outboxMaxBytes: uplink.outboxMaxBytes,
      drainRatePerS: uplink.drainRatePerS,
      maxInFlight: uplink.maxInFlight,
      maxPayloadBytes: uplink.maxPayloadBytes,
      commandMaxAgeMs: uplink.commandMaxAgeS * 1000,
      healthIntervalMs: uplink.healthIntervalS * 1000,
      homeassistant: config.homeassistant.enabled ? { prefix: config.homeassistant.prefix, hubId: config.hubId, legacyColorMode: haVersionNumber(config.homeassistant.minVersion) < 202404 } : undefined,
    });
  }

  get outbox(): Outbox {
    if (this.outboxStore === undefined) throw new Error('the uplink bridge has not started');
    return this.outboxStore;
  }

  async start(): Promise<void> {
    const { devices, log } = this.options;
    const outbox = await Outbox.open({ dir: join(this.options.stateDir, 'outbox'), log, maxBytes: this.options.outboxMaxBytes, batchIntervalMs: OUTBOX_BATCH_MS });
    devices.damage.noteJournal('outbox', outbox.recovery);
    this.outboxStore = outbox;
    const publisher = new OutboxPublisher(outbox, log, { maxInFlight: this.options.maxInFlight, ratePerS: this.options.drainRatePerS });
    this.publisher = publisher;
    const router = new CommandRouter({
      devices,
      bridge: new BridgeRequests(
        { devices, radios: this.options.radios ?? NO_RADIOS, health: this.options.health ?? (() => ({})) },
        this.options.maxPayloadBytes,
      ),
      topics: this.topics,
      log,
      maxPayloadBytes: this.options.maxPayloadBytes,
      reply: (reply) => this.reply(reply),
      ...(this.options.onFailure === undefined ? {} : { onFailure: this.options.onFailure }),
      ...(this.options.onWarningSuppressed === undefined ? {} : { onWarningSuppressed: this.options.onWarningSuppressed }),
      publishState: async (id) => this.enqueue(this.stateMessage(await devices.get(id))),
    });
    this.router = router;
    const lastHeard = devices.setting(LAST_HEARD_SETTING);
    const commandAge = new CommandAge({ maxAgeMs: this.options.commandMaxAgeMs, markerTopic: this.topics.bridge('sync'), lastHeard: typeof lastHeard === 'number' ? lastHeard : undefined });
    this.commandAge = commandAge;
    const events = devices.events;
    events.on(this.name, 'device.state', ({ view, changed }) => {
      this.enqueue(this.stateMessage(view));
      if (changed.includes('availability')) this.enqueueAvailability(view);
    });
    events.on(this.name, 'devices.changed', () => this.republish('devices'));
    events.on(this.name, 'rooms.changed', () => this.republish('rooms'));
    // as Zigbee2MQTT does: the old retained topics are cleared (an empty retained message)
    // once Home Assistant reads the configs of the new topics (or has none): it would parse the empty payloads
    events.on(this.name, 'device.removed', ({ record }) => this.afterConfigs(() => this.clearTopics(record.friendlyName)));
    events.on(this.name, 'device.renamed', ({ record, from }) => {
      this.afterConfigs(() => this.clearTopics(from));
      devices
        .get(record.id)
        .then((view) => {
          this.enqueue(this.stateMessage(view));
          this.enqueueAvailability(view);
        })
        .catch((error: unknown) => log.warn({ err: error, device: record.id }, `could not republish a renamed device: ${describeError(error)}`));
    });
    events.on(this.name, 'device.event', ({ view, values }) =>
      this.enqueue({ topic: this.topics.device(view.friendlyName), payload: JSON.stringify({ ...view.state, ...values }), retain: false, kind: 'event' }),
    );
    events.on(this.name, 'bridge.event', (event) => this.publishEvent(event));
    const markerTopic = this.topics.bridge('sync');
    this.options.link.use({
      // the marker is the hub's own message: it must come back despite no-local
      subscriptions: [this.topics.subscription, { topic: markerTopic, noLocal: false }],
      onClient: (client) => {
        this.client = client;
        publisher.attach(client);
        commandAge.attach(client);
        client.on('close', () => this.rememberLastHeard());
        client.on('message', (topic, payload, packet) => {
          if (topic === markerTopic) {
            if (commandAge.markerArrived(payload)) log.debug('the broker has handed over the commands queued while the hub was away');
            return;
          }
          router.route(topic, payload, packet, commandAge.judge(packet)).catch((error: unknown) => log.error({ err: error, topic }, `could not handle ${topic}: ${describeError(error)}`));
        });
      },
    });
    this.publishDevices();
    this.publishRooms();
    const ha = this.options.homeassistant;
    if (ha !== undefined && this.options.discoveryWanted?.() !== false) {
      this.discoveryPart = new HomeAssistantDiscovery({
        context: { prefix: ha.prefix, hubId: ha.hubId, base: this.topics.base, version, legacyColorMode: ha.legacyColorMode === true },
        devices,
        log,
        use: (user) => this.options.link.use(user),
        enqueue: (message) => this.enqueue(message),
        republishStates: () => this.republishStates(),
      });
      this.discoveryPart.start();
    }
    const every = this.options.healthIntervalMs;
    this.healthTimer = setInterval(() => {
      if (every > 0) this.publishHealth();
      this.rememberLastHeard();
    }, every > 0 ? Math.min(every, LAST_HEARD_EVERY_MS) : LAST_HEARD_EVERY_MS);
    this.healthTimer.unref();
    publisher.pump();
  }

  /**
   * Keeps on disk when the hub last heard from the broker, so that after a restart the age of
   * commands the broker queued meanwhile has a bound (command-age.ts).
   */
  private rememberLastHeard(): void {
    const heard = this.commandAge?.lastHeardAt;
    if (heard !== undefined && heard !== this.options.devices.setting(LAST_HEARD_SETTING)) this.options.devices.setSetting(LAST_HEARD_SETTING, heard);
  }

  /**
   * `bridge/devices` or `bridge/rooms` once at the end of this turn of the event loop, however
   * many changes it brings (a radio announcing 50 nodes at start builds the list once, not 50 times).
   */
  private republish(what: 'devices' | 'rooms'): void {
    if (this.republishing.has(what)) return;
    this.republishing.add(what);
    setImmediate(() => {
      this.republishing.delete(what);
      if (this.outboxStore === undefined) return; // stopped meanwhile
      if (what === 'devices') this.publishDevices();
      else this.publishRooms();
    });
  }

  /** Home Assistant discovery, when it is on. */
  get discovery(): HomeAssistantDiscovery | undefined {
    return this.discoveryPart;
  }

  /**
   * Every device's last state and availability again, from the state store (no actor is
   * woken for it): for a consumer that has just come up (Home Assistant's birth).
   */
  private async republishStates(): Promise<void> {
    const { devices } = this.options;
    for (const record of devices.records()) {
      const state = await devices.state.get(record.id);
      if (state === undefined || this.outboxStore === undefined) continue;
      const view: DeviceView = { id: record.id, friendlyName: record.friendlyName, radio: record.radio, state: state.values };
      if (state.lastSeen !== undefined) view.lastSeen = state.lastSeen;
      if (state.availability !== undefined) view.availability = state.availability;
      if (Object.keys(view.state).length > 0) this.enqueue(this.stateMessage(view));
      this.enqueueAvailability(view);
    }
  }

  /** `bridge/devices`, retained: every device with what is known of it. */
  private publishDevices(): void {
    const devices = this.options.devices.records().map((record) => ({
      id: record.id,
      friendly_name: record.friendlyName,
      radio: record.radio,
      ...(record.model === undefined ? {} : { model: record.model }),
      ...(record.vendor === undefined ? {} : { vendor: record.vendor }),
      ...(record.firmware === undefined ? {} : { firmware: record.firmware }),
      ...(record.options === undefined ? {} : { options: record.options }),
    }));
    this.enqueue({ topic: this.topics.bridge('devices'), payload: JSON.stringify(devices), retain: true, kind: 'state' });
  }

  /** A `bridge/event` (`device_joined`, `device_leave`, …), kept in order with the other events. */
  private publishEvent(event: BridgeEvent): void {
    this.enqueue({ topic: this.topics.bridge('event'), payload: JSON.stringify(event), retain: false, kind: 'event' });
  }

  private afterConfigs(task: () => void): void {
    if (this.discoveryPart === undefined) task();
    else this.discoveryPart.afterConfigs(task);
  }

  /** Clears a device's retained state and availability (a renamed or removed device's old topics), unless a device has the name again. */
  private clearTopics(name: string): void {
    if (this.options.devices.byFriendlyName(name) !== undefined) return;
    this.enqueue({ topic: this.topics.device(name), payload: '', retain: true, kind: 'state' });
    this.enqueue({ topic: this.topics.availability(name), payload: '', retain: true, kind: 'state' });
  }

  /** `bridge/rooms`, retained. */
  private publishRooms(): void {
    this.enqueue({ topic: this.topics.bridge('rooms'), payload: JSON.stringify(this.options.devices.rooms.list()), retain: true, kind: 'state' });
  }

  /** `bridge/health`: the hub's health and the outbox's, only the newest one kept while offline. */
  publishHealth(): void {
    const outbox = this.outbox;
    const payload = {
      health: (this.options.health ?? (() => ({})))(),
      outbox: { messages: outbox.size, bytes: outbox.bytes, oldest_ms: outbox.oldestAgeMs(), dropped_events: outbox.droppedEvents, set_aside: this.publisher?.setAside ?? 0, invalid_topics: this.invalidTopics },
    };
    this.enqueue({ topic: this.topics.bridge('health'), payload: JSON.stringify(payload), retain: false, kind: 'state' });
  }

  private stateMessage(view: DeviceView): OutgoingMessage {
    const record = this.options.devices.device(view.id);
    const placeholders = record !== undefined && this.discoveryPart !== undefined ? statePlaceholders(record) : {};
    return { topic: this.topics.device(view.friendlyName), payload: statePayload(view, placeholders), retain: record?.options?.retain ?? true, kind: 'state' };
  }

  private enqueueAvailability(view: DeviceView): void {
    if (view.availability === undefined) return;
    this.enqueue({ topic: this.topics.availability(view.friendlyName), payload: JSON.stringify({ state: view.availability }), retain: true, kind: 'state' });
  }

  /**
   * Into the outbox (a failed journal write is logged there, once per batch). A topic MQTT
   * forbids never gets in: the broker would drop the hub for it (mqtt-text.ts).
   */
  private enqueue(message: OutgoingMessage): void {
    const problem = publishTopicProblem(message.topic);
    if (problem !== undefined) {
      this.invalidTopics++;
      this.options.log.warn({ topic: message.topic, code: ErrorCode.TopicInvalid, invalidTopics: this.invalidTopics }, `not published: ${problem}`);
      return;
    }
    void this.outbox.enqueue(message);
    this.publisher?.scheduleSoon();
  }

  /**
   * Answers on the hub's own topics (`bridge/event` `command_failed` and `command_queued`,
   * `bridge/response/<command>`) go through the outbox like everything else: kept across an
   * outage and a crash, drained at `uplink.drainRatePerS`. The one exception is an answer to an
   * MQTT 5 response topic: the requester's own topic, paired with its correlation data, which
   * the outbox does not keep; it goes straight out (QoS 1) while connected, best-effort, since
   * the client waiting for it is gone by the time a restarted hub could send it.
   */
  private reply(reply: Reply): void {
    if (reply.topic.startsWith(`${this.topics.base}/`)) {
      this.enqueue({ topic: reply.topic, payload: reply.payload, retain: false, kind: 'event' });
      return;
    }
    const client = this.client;
    if (client === undefined || !client.connected) return;
    const problem = publishTopicProblem(reply.topic);
    if (problem !== undefined) {
      this.invalidTopics++;
      this.options.log.warn({ topic: reply.topic, code: ErrorCode.TopicInvalid, invalidTopics: this.invalidTopics }, `reply not published: ${problem}`);
      return;
    }
    const properties = reply.correlationData === undefined ? undefined : { correlationData: reply.correlationData };
    client.publish(reply.topic, reply.payload, { qos: 1, ...(properties === undefined ? {} : { properties }) }, (error) => {
      if (error !== undefined && error !== null) this.options.log.debug({ err: error, topic: reply.topic }, 'could not publish a reply');
    });
  }

  async stop(): Promise<void> {
    this.options.devices.events.removeOwner(this.name);
    this.discoveryPart?.stop();
    await this.discoveryPart?.settled();
    if (this.healthTimer !== undefined) clearInterval(this.healthTimer);
    this.rememberLastHeard();
    this.router?.stop();
    this.publisher?.detach();
    await this.outboxStore?.close();
    this.outboxStore = undefined;
  }

  health(): PartHealth {
    const outbox = this.outboxStore;
    if (outbox === undefined) return { status: 'stopped' };
    const figures = {
      outbox: outbox.size,
      outboxBytes: outbox.bytes,
      oldestMs: outbox.oldestAgeMs(),
      droppedEvents: outbox.droppedEvents,
      published: this.publisher?.published ?? 0,
      refused: this.publisher?.refused ?? 0,
      setAside: this.publisher?.setAside ?? 0,
      invalidTopics: this.invalidTopics,
    };
    return { status: 'ok', ...figures, ...damageHealth(this.options.devices.damage.findings((area) => area === 'outbox')) };
  }
}
