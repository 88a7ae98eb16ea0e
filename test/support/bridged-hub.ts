/**
 * A hub wired as src/hub.ts wires it (devices part, actor system, uplink bridge, radios, MQTT
 * link) from a config profile, for tests, crash fixtures and benchmarks: with the radios the
 * test hands in (a simulated Z-Wave network it drives), or none (devices fed by hand).
 */
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { HearthConfig } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { radioControl, RadioPart } from '../../src/radios/radio-part.js';
import type { Radio } from '../../src/radios/radio.js';
import { ResilienceMetrics } from '../../src/resilience/resilience-metrics.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { UplinkBridge } from '../../src/uplink/uplink-bridge.js';

export interface BridgedHub {
  config: HearthConfig;
  system: ActorSystem;
  devices: DeviceService;
  bridge: UplinkBridge;
  link: MqttLink;
  radios: RadioPart[];
  /** Stops everything in the hub's order. */
  stop: () => Promise<void>;
}

export interface BridgedHubOptions {
  mailboxCapacity?: number;
  health?: () => unknown;
  log?: Logger;
  radios?: Radio[];
  /** A metrics registry for the store, uplink and resilience metrics (none by default). */
  metrics?: Registry;
}

export async function startBridgedHub(profile: Record<string, unknown>, options: BridgedHubOptions = {}): Promise<BridgedHub> {
  const log = options.log ?? pino({ level: 'silent' });
  const config = await loadConfigOrThrow({ env: {}, profile });
  const system = new ActorSystem({ log, options: { idleTimeoutMs: 0, ...(options.mailboxCapacity === undefined ? {} : { mailboxCapacity: options.mailboxCapacity }) } });
  const devices = new DeviceService({ stateDir: config.stateDir, store: config.store, system, log, breakers: config.radios.breakers, ...(options.metrics === undefined ? {} : { metrics: options.metrics }) });
  const resilience = options.metrics === undefined ? undefined : new ResilienceMetrics(options.metrics);
  const link = new MqttLink(config, log);
  const radioParts: RadioPart[] = [];
  const bridge = UplinkBridge.fromConfig(config, {
    devices,
    link,
    log,
    radios: radioControl(radioParts),
    ...(options.health === undefined ? {} : { health: options.health }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  for (const radio of options.radios ?? []) {
    radioParts.push(
      new RadioPart({ radio, devices, log, bridgeEvent: (type, data) => bridge.publishEvent(type, data), restart: config.radios.restart, breaker: config.radios.breakers[radio.kind], ...(resilience === undefined ? {} : { metrics: resilience }) }),
    );
  }
  await devices.start();
  await bridge.start();
  const signal = new AbortController().signal;
  for (const part of radioParts) await part.start(signal);
  await link.start(signal);
  return {
    config,
    system,
    devices,
    bridge,
    link,
    radios: radioParts,
    stop: async () => {
      await link.stop();
      for (const part of radioParts.reverse()) await part.stop();
      await system.shutdown();
      await bridge.stop();
      await devices.stop();
    },
  };
}
