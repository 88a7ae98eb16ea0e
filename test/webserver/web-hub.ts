/**
 * A hub as the demo runs it, with the web page on: the Z-Wave demo network (zwave-js on its mock
 * controller) and the GPIO demo pins from the config, the Zigbee demo's seven devices on a
 * simulated network the test holds (to pull its stick), a real Mosquitto that makes the hub log
 * in, and known secrets (broker password, network keys) to look for in every answer.
 */
import { onTestFinished } from 'vitest';
import { pino } from 'pino';
import { demoProfile } from '../../src/config/demo-profile.js';
import { registerSimulatedNetwork, unregisterSimulatedNetwork } from '../../src/radios/zigbee/simulator/adapter-hook.js';
import { SIMULATED_KINDS } from '../../src/radios/zigbee/simulator/simulated-models.js';
import { SimulatedZigbeeNetwork } from '../../src/radios/zigbee/simulator/simulated-network.js';
import type { WebPart } from '../../src/webserver/web-part.js';
import { startBridgedHub, type BridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';
import { simulatedControllerSettings } from '../support/zigbee-controller.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BROKER_PASSWORD = 'Tr0ub4dor&3-web-secret';
export const S2_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const S0_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** The network key of simulatedControllerSettings (test/support/zigbee-controller.ts). */
export const ZIGBEE_KEY = '3f1e2d4c5b6a79881726354453627180';

export interface WebHub extends BridgedHub {
  web: WebPart;
  port: number;
  token: string;
  network: SimulatedZigbeeNetwork;
  watch: MqttWatch;
  broker: Mosquitto;
  /** Every secret the hub holds, as text that must never appear in an answer. */
  secrets: string[];
}

/**
 * `radios: false`: the web page alone, without the demo's radios (a test of logins needs none),
 * or with the radios of `radioConfig` (config's `radios`: a Z-Wave stick on a missing port).
 */
export async function startWebHub(
  web: Record<string, unknown> = {},
  { radios = true, radioConfig = {} }: { radios?: boolean; radioConfig?: Record<string, unknown> } = {},
): Promise<WebHub> {
  const broker = await Mosquitto.start({ users: { hub: BROKER_PASSWORD, watcher: 'watcher-password' } });
  onTestFinished(() => broker.stop());
  const watch = await MqttWatch.connect(broker.url, 'hearth/web/#', { username: 'watcher', password: 'watcher-password' });
  const stateDir = await tempDir();
  const network = new SimulatedZigbeeNetwork(SIMULATED_KINDS, { maxWaitMs: 300 });
  const path = registerSimulatedNetwork(network);
  onTestFinished(() => unregisterSimulatedNetwork(path));
  const demo = demoProfile({ HOME: stateDir }) as { radios: Record<string, unknown> };
  const log = pino({ level: process.env.HUB_LOG ?? 'silent' }, pino.destination(2));
  const hub = await startBridgedHub(
    {
      hubId: 'web',
      stateDir,
      uplink: { port: broker.port, username: 'hub', password: BROKER_PASSWORD, startupWaitMs: 5000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
      homeassistant: { enabled: false },
      web: { enabled: true, port: 0, ...web },
      radios: radios
        ? {
            zwave: { enabled: true, simulate: true, securityKeys: { s2Authenticated: S2_KEY, s0Legacy: S0_KEY } },
            gpio: demo.radios.gpio,
            restart: { minMs: 100, maxMs: 1000, maxAttempts: 50 },
          }
        : radioConfig,
    },
    {
      simulated: !radios
        ? {}
        : {
            zigbee: {
              network,
              serialPath: path,
              options: {
                controller: simulatedControllerSettings(path, stateDir),
                availability: { activeTimeoutMs: 600_000, passiveTimeoutMs: 90_000_000 },
                backupIntervalMs: 86_400_000,
                probeTimeoutMs: 500,
                nameOf: (ieee) => {
                  const device = network.device(ieee);
                  return device === undefined ? undefined : `zigbee/${device.kind}`;
                },
              },
            },
          },
      log,
    },
  );
  onTestFinished(hub.stop);
  const webPart = hub.hub.part<WebPart>('web');
  if (webPart?.address === undefined) throw new Error('the web part does not listen');
  await watch.waitFor('hearth/web/bridge/state', '{"state":"online"}');
  if (radios) {
    for (const device of network.all)
      await until(() => hub.devices.byFriendlyName(`zigbee/${device.kind}`) !== undefined, 15_000, `${device.kind} is registered`);
    await until(
      () => hub.devices.records().filter((record) => record.radio === 'zwave').length >= 5,
      // the demo's door sensor sleeps: it is registered when it first wakes up, 30 s after the start, later on a loaded machine
      90_000,
      'the Z-Wave demo devices are registered',
    );
  }
  const token = (await readFile(join(stateDir, 'web-token'), 'utf8')).trim();
  const keyBytes = [...Buffer.from(ZIGBEE_KEY, 'hex')].join(',');
  const secrets = [BROKER_PASSWORD, S2_KEY, S2_KEY.toUpperCase(), S0_KEY, ZIGBEE_KEY, ZIGBEE_KEY.toUpperCase(), keyBytes, token];
  return { ...hub, web: webPart, port: webPart.address.port, token, network, watch, broker, secrets };
}
