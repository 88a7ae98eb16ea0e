/**
 * The hub as tests, crash fixtures and benchmarks run it: src/hub.ts's Hub (the one
 * composition root) built from a config profile, with the radios the test hands in (a
 * simulated network it drives) or none (devices fed by hand), started, and its parts at hand.
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
import type { Radio } from '../../src/radios/radio.js';
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
  radios?: Radio[];
  /** The registry the hub's metrics go to (a fresh one by default). */
  metrics?: Registry;
}

export async function startBridgedHub(profile: Record<string, unknown>, options: BridgedHubOptions = {}): Promise<BridgedHub> {
  const log = options.log ?? pino({ level: 'silent' });
  const actors = {
    ...(profile.actors as Record<string, unknown> | undefined),
    ...(options.mailboxCapacity === undefined ? {} : { mailboxCapacity: options.mailboxCapacity }),
  };
  const config = await loadConfigOrThrow({ env: {}, profile: { ...profile, actors } });
  const hub = await Hub.create(
    config,
    { forModule: (module) => log.child({ module }), learnSecrets: () => undefined },
    { radios: options.radios ?? [], ...(options.metrics === undefined ? {} : { registry: options.metrics }) },
  );
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
