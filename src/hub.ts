/**
 * The composition root, the only one: builds every part of the hub from a validated config, in
 * start order, and hands them to the runner. The CLI, every integration test and every bench
 * build the hub here; what they may hand in instead of what the config names are the parts in
 * `HubParts` (simulated hardware they drive, a metrics registry they read, a clock). Start order: HTTP endpoint (so /health shows start-up), state
 * directory, embedded broker (demo; before the radios keep the event loop busy, and before the
 * bridge, which publishes discovery only to it with `homeassistant.publishTo: embedded-broker`),
 * devices (the store), uplink bridge (outbox), actor system, local rules, MQTT link, the known-first
 * wait (what the store knows reaches the broker before the radios load, at most 1 s), radios, the commands gate (commands handled from now on; the
 * first wait for the broker). The runner stops them in reverse (the gate stops the link first),
 * so the radios are quiet before the actors save their state, and the uplink has stopped
 * sending to them before that.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ActorSystemPart } from './actors/actor-system-part.js';
import type { HearthConfig } from './config/schema.js';
import { DeviceService } from './devices/device-service.js';
import { EventBus } from './events/event-bus.js';
import type { HubEventMap, HubEvents } from './events/hub-events.js';
import { RadioPart } from './wiring/radio-part.js';
import { radioControl } from './wiring/radio-control.js';
import type { Radio } from './radios/radio.js';
import { radiosFromConfig } from './radios/radios-from-config.js';
import { registerZWaveNodeMetrics } from './radios/zwave-node-metrics.js';
import type { SimulatedParts } from './radios/simulated-parts.js';
import { ResilienceMetrics } from './resilience/resilience-metrics.js';
import { HubRunner, type HubHealth } from './lifecycle/hub-runner.js';
import { within, type Part } from './lifecycle/part.js';
import { HttpEndpoint } from './observability/http-endpoint.js';
import type { ModuleLogging } from './observability/logger.js';
import { createMetricsRegistry } from './observability/metrics.js';
import { StateDirectory } from './store/state-directory.js';
import { StoreDamage } from './store/store-damage.js';
import { isLoopbackHost } from './config/broker-address.js';
import { EmbeddedBroker } from './uplink/embedded-broker.js';
import { MqttLink } from './uplink/mqtt-link.js';
import { UplinkBridge } from './uplink/uplink-bridge.js';
import { RuleEngine } from './rules/rule-engine.js';
import { WebPart } from './webserver/web-part.js';

/**
 * The last part to start and the first to stop: once the radios have started, the bridge
 * handles commands; at a stop, the link goes first (as when it came after the radios), so the
 * broker keeps the commands that come while the radios stop.
 */
function commandsGate(bridge: UplinkBridge, link: MqttLink): Part {
  return {
    name: 'uplink.commands',
    start: async (signal) => {
      bridge.openCommands();
      await link.waitForBroker(signal);
    },
    stop: () => link.stop(),
    health: () => ({ status: 'ok' }),
  };
}

/** The serial port a radio runs on, from config; none for GPIO or a simulated radio. */
function serialPortOf(config: HearthConfig, kind: string): { serialPort?: string } {
  const settings = kind === 'zwave' ? config.radios.zwave : kind === 'zigbee' ? config.radios.zigbee : undefined;
  return settings === undefined || settings.simulate || settings.serialPort === undefined ? {} : { serialPort: settings.serialPort };
}

/** How long the radios wait at most for the broker to have what the store knows (`knownFirst`). */
export const KNOWN_FIRST_MAX_MS = 1000;

/**
 * Between the link and the radios: the radios' libraries (zwave-js, herdsman and its
 * converters: a second or more of loading on a small board) load once the broker has
 * `bridge/devices` and every device's last state from the store, or the first connection
 * attempt failed (UplinkBridge.knownOnBroker), and at most `KNOWN_FIRST_MAX_MS` later.
 */
function knownFirst(bridge: UplinkBridge): Part {
  return {
    name: 'uplink.known',
    start: async (signal) => {
      await within(bridge.knownOnBroker(), KNOWN_FIRST_MAX_MS, signal);
    },
    stop: () => Promise.resolve(),
    health: () => ({ status: 'ok' }),
  };
}

/** The process's memory as the web page shows it. */
function memoryFigures(): { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number } {
  const usage = process.memoryUsage();
  return { rss_bytes: usage.rss, heap_used_bytes: usage.heapUsed, heap_total_bytes: usage.heapTotal };
}

/** Parts a test or bench hands in instead of those the config would build. */
export interface HubParts {
  /** Simulated hardware for the radios `radios.*` enables (tests and benches: networks they drive). */
  simulated?: SimulatedParts;
  /** Where every part's metrics go (tests read them); a new registry by default. */
  registry?: Registry;
  /** Wall-clock milliseconds for the devices' `last_seen` and breakers; Date.now by default. */
  now?: () => number;
}

export class Hub {
  readonly registry: Registry;
  readonly parts: readonly Part[];
  readonly actors: ActorSystemPart;
  readonly devices: DeviceService;
  /** The hub's one event bus: devices, radios, breakers and the uplink meet here. */
  readonly events: HubEvents;
  readonly bridge: UplinkBridge;
  readonly link: MqttLink;
  readonly radios: readonly RadioPart[];
  /** The local rules (README, Local rules). */
  readonly rules: RuleEngine;
  private readonly runner: HubRunner;

  /** Builds the hub; the radios the config enables are loaded (their libraries too), on simulated hardware when handed in. */
  static create(config: HearthConfig, logging: ModuleLogging, injected: HubParts = {}): Promise<Hub> {
    // a GPIO output that restores its state starts from its actor's (the store's) last state
    const holder: { hub?: Hub } = {};
    const restoredState = (id: string): Promise<unknown> => holder.hub?.restoredState(id) ?? Promise.resolve(undefined);
    const radios = radiosFromConfig(config, logging, {
      restoredState,
      ...(injected.simulated === undefined ? {} : { simulated: injected.simulated }),
    });
    holder.hub = new Hub(config, logging, { ...injected, radios });
    return Promise.resolve(holder.hub);
  }

  private constructor(
    readonly config: HearthConfig,
    logging: ModuleLogging,
    injected: HubParts & { radios: readonly Radio[] },
  ) {
    this.registry = injected.registry ?? createMetricsRegistry({ hub: config.hubId });
    // read at each scrape: the radio part gives the Z-Wave radio once its library is loaded
    if (injected.radios.some((radio) => radio.kind === 'zwave'))
      registerZWaveNodeMetrics(this.registry, () => this.radios.find((part) => part.radio.kind === 'zwave')?.radio);
    const parts: Part[] = [];
    if (config.metrics.enabled) {
      parts.push(
        new HttpEndpoint({
          host: config.metrics.host,
          port: config.metrics.port,
          maxConnections: config.metrics.maxConnections,
          registry: this.registry,
          health: () => this.health(),
          log: logging.forModule('observability.http'),
        }),
      );
    }
    parts.push(new StateDirectory(config.stateDir, logging.forModule('store')));
    const damage = new StoreDamage();
    // device actors keep their state in the device state store (onPassivate saves nothing), so the
    // actor system's snapshots stay in memory; a <stateDir>/snapshots left by an older version is not read
    this.actors = new ActorSystemPart(config.actors, logging.forModule('actors'), this.registry);
    // the stores open before the actors start and close after they stopped
    this.events = new EventBus<HubEventMap>(logging.forModule('events'));
    this.devices = new DeviceService({
      events: this.events,
      stateDir: config.stateDir,
      store: config.store,
      system: this.actors.system,
      log: logging.forModule('devices'),
      metrics: this.registry,
      breakers: config.radios.breakers,
      damage,
      ...(injected.now === undefined ? {} : { now: injected.now }),
    });
    const resilience = new ResilienceMetrics(this.registry);
    let embedded: EmbeddedBroker | undefined;
    // before the bridge: whether it runs decides whether discovery is published (homeassistant.publishTo)
    if (config.uplink.embeddedBroker === 'auto' && isLoopbackHost(config.uplink.host) && config.uplink.protocol === 'mqtt') {
      embedded = new EmbeddedBroker(config.uplink.host, config.uplink.port, logging.forModule('uplink.embedded-broker'));
      parts.push(embedded);
    }
    // aedes speaks MQTT 3.1.1 only
    const link = (this.link = new MqttLink(config, logging.forModule('uplink'), () => (embedded?.running === true ? 4 : undefined)));
    link.deferStartupWait(); // the commands gate waits for the broker, after the radios
    // between the store and the actors: actors' last states still reach the outbox when they stop
    const radioParts: RadioPart[] = [];
    const rules = (this.rules = new RuleEngine({
      devices: this.devices,
      events: this.events,
      rules: config.rules,
      settings: config.ruleSettings,
      log: logging.forModule('rules'),
      metrics: this.registry,
      ...(injected.now === undefined ? {} : { now: injected.now }),
    }));
    const bridge = (this.bridge = UplinkBridge.fromConfig(config, {
      devices: this.devices,
      link,
      log: logging.forModule('uplink.bridge'),
      health: () => this.health(),
      radios: radioControl(radioParts),
      rules,
      onFailure: (code) => resilience.commandFailed(code),
      onWarningSuppressed: () => resilience.warningSuppressed(),
      metrics: this.registry,
      discoveryWanted: () => this.discoveryWanted(embedded, logging.forModule('uplink.bridge')),
    }));
    for (const radio of injected.radios) {
      radioParts.push(
        new RadioPart({
          radio,
          devices: this.devices,
          log: logging.forModule(`radios.${radio.kind}`),
          restart: config.radios.restart,
          settleMaxMs: config.radios.settleMaxS * 1000,
          breaker: config.radios.breakers[radio.kind],
          metrics: resilience,
          ...serialPortOf(config, radio.kind),
        }),
      );
    }
    this.radios = radioParts;
    // the link before the radios: what the store knows (bridge/devices, every state) reaches the
    // broker before the radios load their libraries and start (knownFirst); radios after the actors (their
    // reports reach a running actor system). Commands wait until the radios have started, and
    // the link stops first (no command reaches a stopping radio): the commands gate.
    parts.push(this.devices, bridge, this.actors, rules, link, knownFirst(bridge), ...radioParts, commandsGate(bridge, link));
    // last: its commands go through the bridge's router once the radios run; it stops first, closing the pages' streams
    if (config.web.enabled) {
      const control = radioControl(radioParts);
      parts.push(
        new WebPart({
          config,
          devices: this.devices,
          events: this.events,
          rules,
          details: (id) => control.deviceDetails?.(id),
          info: () => link.info(),
          health: () => ({ ...bridge.healthDocument(), memory: memoryFigures() }),
          local: (incoming, payload) => bridge.local(incoming, payload),
          log: logging.forModule('web'),
          learnSecrets: (secrets) => logging.learnSecrets(secrets),
          ...(injected.now === undefined ? {} : { now: injected.now }),
        }),
      );
    }
    this.parts = parts;
    this.runner = new HubRunner(parts, logging.forModule('hub'), config.shutdown.timeoutMs);
  }

  /** Whether Home Assistant discovery goes to the broker this time (`homeassistant.publishTo`), said when it does not. */
  private discoveryWanted(embedded: EmbeddedBroker | undefined, log: Logger): boolean {
    const { homeassistant } = this.config;
    if (homeassistant.publishTo === 'any-broker' || embedded?.running === true) return true;
    log.info(
      { publishTo: homeassistant.publishTo },
      'Home Assistant discovery not published: the broker was already running, not started by the hub (homeassistant.publishTo: embedded-broker; HEARTH_HOMEASSISTANT_PUBLISH_TO=any-broker publishes it there)',
    );
    return false;
  }

  /** The state the hub kept for a device (its actor's), for a radio that restores it. */
  private async restoredState(id: string): Promise<unknown> {
    return this.devices.device(id) === undefined ? undefined : (await this.devices.get(id)).state.state;
  }

  /** Starts every part; resolves false when a stop request cut start-up short. */
  start(): Promise<boolean> {
    return this.runner.start();
  }

  /** Stops every started part in reverse order within config shutdown.timeoutMs. */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  health(): HubHealth {
    return this.runner.health();
  }

  part<T extends Part>(name: string): T | undefined {
    return this.parts.find((part) => part.name === name) as T | undefined;
  }
}
