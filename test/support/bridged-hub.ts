/**
 * The hub as tests, crash fixtures and benchmarks run it: src/hub.ts's Hub (the one
 * composition root) built from a config profile, its radios on the simulated hardware the test
 * hands in (networks it drives) or none (devices fed by hand), started, and its parts at hand.
 */
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import type { ActorSystem } from '../../src/actors/actor-system.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { HearthConfig } from '../../src/config/schema.js';
import type { DeviceService } from '../../src/devices/device-service.js';
import { Hub } from '../../src/hub.js';
import type { RadioPart } from '../../src/wiring/radio-part.js';
import type { SimulatedParts } from '../../src/radios/simulated-parts.js';
import type { MqttLink } from '../../src/uplink/mqtt-link.js';
import type { UplinkBridge } from '../../src/uplink/uplink-bridge.js';

export interface BridgedHub {
  hub: Hub;
  config: HearthConfig;
  system: ActorSystem;
  devices: DeviceService;
  bridge: UplinkBridge;
  link: MqttLink;
  radios: readonly RadioPart[];
  /** Stops everything in the hub's order. */
  stop: () => Promise<void>;
}

export interface BridgedHubOptions {
  /** actors.mailboxCapacity, for tests and benches that flood one actor. */
  mailboxCapacity?: number;
  /** One logger for every module; silent by default. */
  log?: Logger;
  /** Simulated hardware; each radio given one is enabled (simulated) in the config, the hub's factories build it. */
  simulated?: SimulatedParts;
  /** The registry the hub's metrics go to (a fresh one by default). */
  metrics?: Registry;
  /** Hears the hub once it is built, before it starts (a bench follows its start-up). */
  onCreated?: (hub: Hub) => void;
}

export async function startBridgedHub(profile: Record<string, unknown>, options: BridgedHubOptions = {}): Promise<BridgedHub> {
  const log = options.log ?? pino({ level: 'silent' });
  const actors = {
    ...(profile.actors as Record<string, unknown> | undefined),
    ...(options.mailboxCapacity === undefined ? {} : { mailboxCapacity: options.mailboxCapacity }),
  };
  const simulated = options.simulated ?? {};
  const radios: Record<string, unknown> = { ...(profile.radios as Record<string, unknown> | undefined) };
  for (const kind of Object.keys(simulated))
    radios[kind] = { ...(radios[kind] as Record<string, unknown> | undefined), enabled: true, simulate: true };
  const config = await loadConfigOrThrow({ env: {}, profile: { ...profile, actors, radios } });
  const hub = await Hub.create(
    config,
    { forModule: (module) => log.child({ module }), learnSecrets: () => undefined },
    { simulated, ...(options.metrics === undefined ? {} : { registry: options.metrics }) },
  );
  options.onCreated?.(hub);
  if (!(await hub.start())) throw new Error('the hub did not start');
  return {
    hub,
    config,
    system: hub.actors.system,
    devices: hub.devices,
    bridge: hub.bridge,
    link: hub.link,
    radios: hub.radios,
    stop: () => hub.stop(),
  };
}
