/**
 * The composition root: builds every part of the hub from a validated config, in start order,
 * and hands them to the runner. Start order: HTTP endpoint (so /health shows start-up), state
 * directory, devices (the store), snapshots, uplink bridge (outbox), actor system, radios,
 * embedded broker (demo), MQTT link. The runner stops them in reverse, so the radios are quiet
 * before the actors save their state, and the uplink has stopped sending to them before that.
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { ActorSystemPart } from './actors/actor-system-part.js';
import type { HearthConfig } from './config/schema.js';
import { DeviceService } from './devices/device-service.js';
import { radioControl, RadioPart } from './radios/radio-part.js';
import { radiosFromConfig } from './radios/radios-from-config.js';
import { ResilienceMetrics } from './resilience/resilience-metrics.js';
import { JournaledSnapshotStore } from './store/journaled-snapshot-store.js';
import { HubRunner, type HubHealth } from './lifecycle/hub-runner.js';
import type { Part } from './lifecycle/part.js';
import { HttpEndpoint } from './observability/http-endpoint.js';
import type { Logging } from './observability/logger.js';
import { createMetricsRegistry } from './observability/metrics.js';
import { StateDirectory } from './store/state-directory.js';
import { StoreDamage } from './store/store-damage.js';
import { isLoopbackHost } from './uplink/broker-address.js';
import { EmbeddedBroker } from './uplink/embedded-broker.js';
import { MqttLink } from './uplink/mqtt-link.js';
import { UplinkBridge } from './uplink/uplink-bridge.js';

export class Hub {
  readonly registry: Registry;
  readonly parts: readonly Part[];
  readonly actors: ActorSystemPart;
  readonly devices: DeviceService;
  private readonly runner: HubRunner;

  constructor(
    readonly config: HearthConfig,
    logging: Logging,
  ) {
    this.registry = createMetricsRegistry({ hub: config.hubId });
    const parts: Part[] = [];
    if (config.metrics.enabled) {
      parts.push(
        new HttpEndpoint({
          host: config.metrics.host,
          port: config.metrics.port,
          registry: this.registry,
          health: () => this.health(),
          log: logging.forModule('observability.http'),
        }),
      );
    }
    parts.push(new StateDirectory(config.stateDir, logging.forModule('store')));
    const damage = new StoreDamage();
    const snapshots = new JournaledSnapshotStore(join(config.stateDir, 'snapshots'), logging.forModule('store.snapshots'), config.store.journalBatchMs, damage);
    this.actors = new ActorSystemPart(config.actors, logging.forModule('actors'), this.registry, snapshots);
    // the stores open before the actors start and close after they stopped
    this.devices = new DeviceService({ stateDir: config.stateDir, store: config.store, system: this.actors.system, log: logging.forModule('devices'), metrics: this.registry, breakers: config.radios.breakers, damage });
    const resilience = new ResilienceMetrics(this.registry);
    let embedded: EmbeddedBroker | undefined;
    // aedes speaks MQTT 3.1.1 only
    const link = new MqttLink(config, logging.forModule('uplink'), () => (embedded?.running === true ? 4 : undefined));
    // between the store and the actors: actors' last states still reach the outbox when they stop
    const radioParts: RadioPart[] = [];
    const bridge = UplinkBridge.fromConfig(config, {
      devices: this.devices,
      link,
      log: logging.forModule('uplink.bridge'),
      health: () => this.health(),
      radios: radioControl(radioParts),
      onFailure: (code) => resilience.commandFailed(code),
    });
    // a GPIO output that restores its state starts from its actor's (the store's) last state
    const restoredState = async (id: string): Promise<unknown> => (this.devices.device(id) === undefined ? undefined : (await this.devices.get(id)).state.state);
    for (const radio of radiosFromConfig(config, logging, { restoredState })) {
      radioParts.push(
        new RadioPart({
          radio,
          devices: this.devices,
          log: logging.forModule(`radios.${radio.kind}`),
          bridgeEvent: (type, data) => bridge.publishEvent(type, data),
          restart: config.radios.restart,
          breaker: config.radios.breakers[radio.kind],
          metrics: resilience,
        }),
      );
    }
    // radios after the actors (their reports reach a running actor system), before the link
    parts.push(this.devices, snapshots, bridge, this.actors, ...radioParts);
    if (config.uplink.embeddedBroker === 'auto' && isLoopbackHost(config.uplink.host) && config.uplink.protocol === 'mqtt') {
      embedded = new EmbeddedBroker(config.uplink.host, config.uplink.port, logging.forModule('uplink.embedded-broker'));
      parts.push(embedded);
    }
    parts.push(link);
    this.parts = parts;
    this.runner = new HubRunner(parts, logging.forModule('hub'), config.shutdown.timeoutMs);
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
