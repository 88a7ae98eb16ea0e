/**
 * The uplink half of a hub, wired as src/hub.ts wires it (devices part, actor system, uplink
 * bridge, MQTT link) from a config profile, for tests, crash fixtures and benchmarks that need
 * devices talking to a real broker without radios.
 */
import type { Logger } from 'pino';
import { pino } from 'pino';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { HearthConfig } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { UplinkBridge } from '../../src/uplink/uplink-bridge.js';

export interface BridgedHub {
  config: HearthConfig;
  system: ActorSystem;
  devices: DeviceService;
  bridge: UplinkBridge;
  link: MqttLink;
  /** Stops everything in the hub's order. */
  stop: () => Promise<void>;
}

export async function startBridgedHub(profile: Record<string, unknown>, options: { mailboxCapacity?: number; health?: () => unknown; log?: Logger } = {}): Promise<BridgedHub> {
  const log = options.log ?? pino({ level: 'silent' });
  const config = await loadConfigOrThrow({ env: {}, profile });
  const system = new ActorSystem({ log, options: { idleTimeoutMs: 0, ...(options.mailboxCapacity === undefined ? {} : { mailboxCapacity: options.mailboxCapacity }) } });
  const devices = new DeviceService({ stateDir: config.stateDir, store: config.store, system, log });
  const link = new MqttLink(config, log);
  const bridge = UplinkBridge.fromConfig(config, { devices, link, log, ...(options.health === undefined ? {} : { health: options.health }) });
  await devices.start();
  await bridge.start();
  await link.start(new AbortController().signal);
  return {
    config,
    system,
    devices,
    bridge,
    link,
    stop: async () => {
      await link.stop();
      await system.shutdown();
      await bridge.stop();
      await devices.stop();
    },
  };
}
