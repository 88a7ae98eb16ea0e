/**
 * The uplink bridge part: joins the devices to the MQTT link. It opens the durable outbox and
 * its publisher, and composes what feeds them: the device-side topics (./device-topics.ts),
 * the router's answers (./outgoing.ts), Home Assistant discovery and `bridge/health`; incoming
 * commands and bridge requests go through the command router. It starts before the link
 * connects and stops after it, flushing the outbox.
 */
import { join } from 'node:path';
import type { HearthConfig } from '../config/schema.js';
import { bridgeOptionsFromConfig, type BridgeParts, type UplinkBridgeOptions } from './uplink-bridge-options.js';
import type { DeviceRecord } from '../model/device-record.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { isRunning, NO_RADIOS } from './no-radios.js';
import { BridgeRequests, type BridgeResponse } from './bridge-requests.js';
import { RuleTopics } from './rule-topics.js';
import { describeError, ErrorCode } from '../errors.js';
import { CommandAge } from './command-age.js';
import { CommandRouter } from './command-router.js';
import { Outbox, type OutgoingMessage } from './outbox.js';
import { OutboxPublisher } from './outbox-publisher.js';
import { Outgoing } from './outgoing.js';
import { DeviceTopics } from './device-topics.js';
import { GroupCommands } from './groups/group-commands.js';
import { GroupTopics } from './groups/group-topics.js';
import { Topics, type IncomingTopic } from './topics.js';
import { registerUplinkMetrics } from './uplink-metrics.js';
import { damageHealth } from '../store/store-damage.js';
import { statePlaceholders } from './homeassistant/discovery-configs.js';
import { groupStatePlaceholders } from './homeassistant/group-discovery.js';
import { HomeAssistantDiscovery } from './homeassistant/ha-discovery.js';
import { version } from '../version.js';

export type { UplinkBridgeOptions } from './uplink-bridge-options.js';

/** The note (state journal; settings.json key in older versions) under which the last time the broker was heard from is kept. */
const LAST_HEARD_SETTING = 'uplink.lastHeardAt';
/** How often that time is noted while connected (it rides with the device changes being committed). */
const LAST_HEARD_EVERY_MS = 60_000;

export class UplinkBridge implements Part {
  readonly name = 'uplink.bridge';
  private outboxStore: Outbox | undefined;
  private publisher: OutboxPublisher | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private letCommandsIn: () => void = () => undefined;
  private readonly commandsOpen = new Promise<void>((resolve) => (this.letCommandsIn = resolve));
  private knownThrough: () => void = () => undefined;
  private readonly known = new Promise<void>((resolve) => (this.knownThrough = resolve));
  private commandAge: CommandAge | undefined;
  private router: CommandRouter | undefined;
  private readonly outgoing: Outgoing;
  private readonly deviceTopics: DeviceTopics;
  private readonly ruleTopics: RuleTopics;
  private readonly groupTopics: GroupTopics;
  /** Times every retained topic was republished (a broker without a session for the hub). */
  republishes = 0;
  /** Republishes whose every message is in the outbox (the states are read from the store first). */
  republished = 0;
  private discoveryPart: HomeAssistantDiscovery | undefined;
  readonly topics: Topics;

  constructor(private readonly options: UplinkBridgeOptions) {
    this.topics = new Topics(options.base);
    this.outgoing = new Outgoing(options.base, options.log);
    const enqueue = (message: OutgoingMessage, again?: boolean): void => this.outgoing.enqueue(message, again);
    this.deviceTopics = new DeviceTopics({
      devices: options.devices,
      topics: this.topics,
      log: options.log,
      enqueue,
      // Home Assistant's JSON light logs an error for a state without `state`: placeholders until the device reports
      placeholders: (record) => (this.discoveryPart === undefined ? {} : statePlaceholders(record)),
      afterConfigs: (task) => (this.discoveryPart === undefined ? task() : this.discoveryPart.afterConfigs(task)),
      details: (id) => options.radios?.deviceDetails?.(id),
    });
    this.ruleTopics = new RuleTopics(options.devices.events, this.topics, enqueue);
    this.groupTopics = new GroupTopics({
      devices: options.devices,
      topics: this.topics,
      log: options.log,
      enqueue,
      placeholders: (group) =>
        this.discoveryPart === undefined
          ? {}
          : groupStatePlaceholders(group.members.flatMap((member) => options.devices.device(member.device) ?? [])),
    });
    if (options.metrics !== undefined)
      registerUplinkMetrics(options.metrics, { setAside: () => this.publisher?.setAside ?? 0, invalidTopics: () => this.invalidTopics });
  }

  /** The bridge as the `uplink` config section sets it up. */
  static fromConfig(config: HearthConfig, parts: BridgeParts): UplinkBridge {
    return new UplinkBridge(bridgeOptionsFromConfig(config, parts));
  }

  /** Messages not published because MQTT forbids their topic. */
  get invalidTopics(): number {
    return this.outgoing.invalidTopics;
  }

  get outbox(): Outbox {
    if (this.outboxStore === undefined) throw new Error('the uplink bridge has not started');
    return this.outboxStore;
  }

  async start(): Promise<void> {
    const { devices, log } = this.options;
    const outbox = await Outbox.open({
      dir: join(this.options.stateDir, 'outbox'),
      log,
      maxBytes: this.options.outboxMaxBytes,
      batchIntervalMs: this.options.maxLossMs,
      maxLossMs: this.options.maxLossMs,
      directWrites: this.options.directWrites,
    });
    devices.damage.noteJournal('outbox', outbox.recovery);
    this.outboxStore = outbox;
    const publisher = new OutboxPublisher(outbox, log, { maxInFlight: this.options.maxInFlight, ratePerS: this.options.drainRatePerS });
    this.publisher = publisher;
    this.outgoing.attach(outbox, publisher);
    const router = new CommandRouter({
      devices,
      bridge: new BridgeRequests(
        {
          devices,
          radios: this.options.radios ?? NO_RADIOS,
          health: this.options.health ?? (() => ({})),
          ...(this.options.rules === undefined ? {} : { rules: this.options.rules }),
        },
        this.options.maxPayloadBytes,
      ),
      topics: this.topics,
      log,
      maxPayloadBytes: this.options.maxPayloadBytes,
      reply: (reply) => this.outgoing.reply(reply),
      ...(this.options.onFailure === undefined ? {} : { onFailure: this.options.onFailure }),
      ...(this.options.onWarningSuppressed === undefined ? {} : { onWarningSuppressed: this.options.onWarningSuppressed }),
      publishState: (id, again) => this.deviceTopics.publishState(id, again),
      groups: {
        commands: new GroupCommands(devices, this.options.radios ?? NO_RADIOS),
        commanded: (group, state) => this.groupTopics.commanded(group, state),
        publishCurrent: (group) => this.groupTopics.publishCurrent(group),
      },
    });
    this.router = router;
    // kept in the state journal; an older version kept it in settings.json: the later of the two
    const heardTimes = [devices.state.noted(LAST_HEARD_SETTING), devices.setting(LAST_HEARD_SETTING)].filter(
      (at): at is number => typeof at === 'number',
    );
    const commandAge = new CommandAge({
      maxAgeMs: this.options.commandMaxAgeMs,
      markerTopic: this.topics.bridge('sync'),
      lastHeard: heardTimes.length === 0 ? undefined : Math.max(...heardTimes),
    });
    this.commandAge = commandAge;
    this.deviceTopics.start(this.name);
    this.ruleTopics.start(this.name);
    this.groupTopics.start(this.name);
    const markerTopic = this.topics.bridge('sync');
    this.options.link.use({
      // the marker is the hub's own message: it must come back despite no-local
      subscriptions: [this.topics.subscription, { topic: markerTopic, noLocal: false }],
      onClient: (client) => {
        this.outgoing.client = client;
        // before the publisher's listener: what the republish enqueues at once merges with what waits
        client.on('connect', (connack) => {
          if (connack.sessionPresent) {
            this.discoveryPart?.connected();
            this.knownThrough();
            return;
          }
          this.outgoing.forgetRetained();
          this.republishAll();
        });
        // a first attempt that failed: nothing reaches the broker soon, the radios need not wait
        client.once('close', () => this.knownThrough());
        publisher.attach(client);
        commandAge.attach(client);
        client.on('close', () => this.rememberLastHeard());
        client.on('message', (topic, payload, packet) => {
          if (topic === markerTopic) {
            if (commandAge.markerArrived(payload)) log.debug('the broker has handed over the commands queued while the hub was away');
            return;
          }
          const age = commandAge.judge(packet);
          // in order of arrival, once the radios have started (openCommands)
          void this.commandsOpen.then(() =>
            router
              .route(topic, payload, packet, age)
              .catch((error: unknown) => log.error({ err: error, topic }, `could not handle ${topic}: ${describeError(error)}`)),
          );
        });
      },
    });
    const ha = this.options.homeassistant;
    if (ha !== undefined && this.options.discoveryWanted?.() !== false) {
      this.discoveryPart = new HomeAssistantDiscovery({
        context: { prefix: ha.prefix, hubId: ha.hubId, base: this.topics.base, version, legacyColorMode: ha.legacyColorMode === true },
        configsAppliedMs: ha.configsAppliedMs,
        connectionWaitMs: this.options.connectionWaitMs,
        devices,
        log,
        use: (user) => this.options.link.use(user),
        enqueue: (message, again) => this.outgoing.enqueue(message, again),
        sent: () => this.outgoing.sent(),
        republishStates: (again) => this.deviceTopics.republishStates(again),
        // the Zigbee radio reports every device's availability as it announces it (zigbee-radio.ts)
        reportsAvailability: (record) => record.radio === 'zigbee' && this.radioRunning('zigbee'),
        rules: () => this.options.rules?.statuses() ?? [],
      });
      this.discoveryPart.start();
    }
    const every = this.options.healthIntervalMs;
    this.healthTimer = setInterval(
      () => {
        if (every > 0) this.publishHealth();
        this.rememberLastHeard();
      },
      every > 0 ? Math.min(every, LAST_HEARD_EVERY_MS) : LAST_HEARD_EVERY_MS,
    );
    this.healthTimer.unref();
    publisher.pump();
  }

  /**
   * Commands and requests that arrived so far are handled now, and those to come as they
   * arrive. The link connects before the radios start, so that `bridge/devices` and the states
   * the store holds reach the broker at once; what the broker hands over meanwhile (commands
   * it kept while the hub was away) waits for the radios instead of failing.
   */
  openCommands(): void {
    this.letCommandsIn();
  }

  /**
   * Resolves once the broker has what the store knows: the first connection is made and, for a
   * broker without the hub's session, `bridge/devices` and every device's state and availability
   * from the store are acknowledged (the Home Assistant configs come after); or the first
   * connection attempt failed. The hub starts the radios after it (src/hub.ts), so that loading
   * their libraries does not hold these up.
   */
  knownOnBroker(): Promise<void> {
    return this.known;
  }

  /**
   * Keeps on disk when the hub last heard from the broker, so that after a restart the age of
   * commands the broker queued meanwhile has a bound (command-age.ts): as a note in the state
   * journal, with the device changes being gathered (no file rewritten for it, and while devices
   * report no commit of its own).
   */
  private rememberLastHeard(): void {
    const heard = this.commandAge?.lastHeardAt;
    const state = this.options.devices.state;
    if (heard !== undefined && heard !== state.noted(LAST_HEARD_SETTING)) void state.note(LAST_HEARD_SETTING, heard);
  }

  /**
   * Every retained topic the hub owns, again, for a broker with no session for the hub (a
   * fresh one, or one restarted without persistence, Mosquitto's default): it may hold none of
   * them. Through the outbox, compacted (one message per topic, the latest), at
   * `uplink.drainRatePerS` like a backlog (../uplink/outbox-publisher.ts); the link itself
   * republishes `bridge/state` and `bridge/info` on every connection.
   */
  private republishAll(): void {
    if (this.outboxStore === undefined) return;
    this.republishes++;
    this.options.log.info('the broker has no session for the hub: republishing every retained topic');
    this.deviceTopics.republishLists();
    this.ruleTopics.republish();
    this.groupTopics.republish();
    // the states from the store before the Home Assistant configs (~1,250 for 200 devices, at the
    // backlog's rate): retained, so a Home Assistant reading the configs later still gets them
    const discovery = this.discoveryPart;
    const done = this.deviceTopics.republishStates(false).then(() => {
      void this.outgoing.sent().then(this.knownThrough);
      discovery?.connected();
      return discovery?.republish(false, { states: false });
    });
    this.publisher?.asBacklog(done);
    done.then(
      () => void this.republished++,
      () => undefined,
    );
    done.catch((error: unknown) => this.options.log.error({ err: error }, `could not republish: ${describeError(error)}`));
  }

  /** Whether a burst still holds back `bridge/devices`, `bridge/rooms` or a discovery sync. */
  get listsPending(): boolean {
    return this.deviceTopics.listsPending || (this.discoveryPart?.pending ?? false);
  }

  /** Home Assistant discovery, when it is on. */
  get discovery(): HomeAssistantDiscovery | undefined {
    return this.discoveryPart;
  }

  /** A command or request from the web page, through the router its MQTT topic takes (command-router.ts `local`). */
  async local(incoming: Exclude<IncomingTopic, { kind: 'ignored' }>, payload: Buffer): Promise<BridgeResponse> {
    const router = this.router;
    if (router === undefined || this.outboxStore === undefined)
      return { status: 'error', data: {}, error: { code: ErrorCode.WebNotReady, message: 'the uplink has not started or is stopping' } };
    await this.commandsOpen;
    return router.local(incoming, payload);
  }

  /** `bridge/health`: the hub's health and the outbox's, only the newest one kept while offline. */
  publishHealth(): void {
    this.outgoing.enqueue({
      topic: this.topics.bridge('health'),
      payload: JSON.stringify(this.healthDocument()),
      retain: false,
      kind: 'state',
    });
  }

  /** What `bridge/health` carries: the hub's health and the outbox's. */
  healthDocument(): { health: unknown; outbox: Record<string, number> } {
    const outbox = this.outbox;
    return {
      health: (this.options.health ?? (() => ({})))(),
      outbox: {
        messages: outbox.size,
        bytes: outbox.bytes,
        oldest_ms: outbox.oldestAgeMs(),
        dropped_events: outbox.droppedEvents,
        set_aside: this.publisher?.setAside ?? 0,
        invalid_topics: this.invalidTopics,
      },
    };
  }

  private radioRunning(kind: DeviceRecord['radio']): boolean {
    return isRunning(this.options.radios, kind);
  }

  async stop(): Promise<void> {
    this.options.devices.events.removeOwner(this.name);
    this.ruleTopics.flush();
    this.deviceTopics.flush(); // a list a burst held back is kept in the outbox for the next start
    this.groupTopics.flush();
    this.discoveryPart?.stop();
    await this.discoveryPart?.settled();
    if (this.healthTimer !== undefined) clearInterval(this.healthTimer);
    this.rememberLastHeard();
    this.router?.stop();
    this.publisher?.detach();
    await this.outboxStore?.close();
    this.deviceTopics.stop();
    this.ruleTopics.stop();
    this.groupTopics.stop();
    this.outgoing.detach();
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
      unchanged: this.outgoing.unchanged,
      rememberedTopics: this.outgoing.rememberedTopics,
      republishes: this.republishes,
    };
    return { status: 'ok', ...figures, ...damageHealth(this.options.devices.damage.findings((area) => area === 'outbox')) };
  }
}
