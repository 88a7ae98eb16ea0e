/**
 * A hub with the Zigbee radio on a simulated network (herdsman's real Controller over the
 * simulated adapter, zigbee-herdsman-converters' real definitions), talking to a real Mosquitto.
 */
import { onTestFinished } from 'vitest';
import { pino } from 'pino';
import { zigbeeId } from '../../../src/model/device-id.js';
import { registerSimulatedNetwork, unregisterSimulatedNetwork } from '../../../src/radios/zigbee/simulator/adapter-hook.js';
import type { SimulatedKind } from '../../../src/radios/zigbee/simulator/simulated-models.js';
import { SimulatedZigbeeNetwork } from '../../../src/radios/zigbee/simulator/simulated-network.js';
import type { SimulatedZigbeeDevice } from '../../../src/radios/zigbee/simulator/simulated-device.js';
import type { ZigbeeRadio, ZigbeeRadioOptions } from '../../../src/radios/zigbee/zigbee-radio.js';
import type { SimulatedParts } from '../../../src/radios/simulated-parts.js';
import type { JoinPolicy } from '../../../src/radios/zigbee/join-policy.js';
import { startBridgedHub, type BridgedHub } from '../../support/bridged-hub.js';
import { Mosquitto, type MosquittoOptions } from '../../support/mosquitto.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';
import { simulatedControllerSettings } from '../../support/zigbee-controller.js';

export interface ZigbeeHub extends BridgedHub {
  network: SimulatedZigbeeNetwork;
  radio: ZigbeeRadio;
  watch: MqttWatch;
  broker: Mosquitto;
  stateDir: string;
  /** The state topic of a simulated device. */
  topic(device: SimulatedZigbeeDevice): string;
}

export const idOf = (device: SimulatedZigbeeDevice): string => zigbeeId(device.ieeeAddress);

export interface ZigbeeHubOptions {
  availability?: ZigbeeRadioOptions['availability'];
  maxReportsPerS?: number;
  restart?: Record<string, number>;
  /** `radios.breakers.zigbee` */
  breaker?: Record<string, number>;
  sleepyAnswerMs?: number;
  /** Other radios' simulated hardware in the same hub (a simulated Z-Wave network beside the Zigbee one). */
  otherRadios?: Omit<SimulatedParts, 'zigbee'>;
  /** `radios.*` of the other radios (e.g. `gpio.devices`). */
  otherProfile?: Record<string, unknown>;
  /** `radios.breakers` of the other radios (`zwave`, `gpio`). */
  otherBreakers?: Record<string, Record<string, number>>;
  /** Waits until every device of the network is registered (default). */
  waitForDevices?: boolean;
  /** Who may join (radios.zigbee.passlist, blocklist, maxDevices). */
  joinPolicy?: JoinPolicy;
  /** More topic filters the watch subscribes to before the hub starts (e.g. `homeassistant/#`). */
  watchAlso?: readonly string[];
  /** The options of the test's own Mosquitto (persistence, users…), when no broker is handed in. */
  brokerOptions?: MosquittoOptions;
  /** A restart: the state directory, network and broker of an earlier hub (each fresh by default). */
  stateDir?: string;
  network?: SimulatedZigbeeNetwork;
  broker?: Mosquitto;
  /** `homeassistant.configsAppliedMs` (100 ms by default here, the schema's is 2 s). */
  configsAppliedMs?: number;
}

export async function startZigbeeHub(kinds: readonly SimulatedKind[], options: ZigbeeHubOptions = {}): Promise<ZigbeeHub> {
  const broker = options.broker ?? (await Mosquitto.start(options.brokerOptions));
  if (options.broker === undefined) onTestFinished(() => broker.stop());
  const watch = await MqttWatch.connect(broker.url, 'hearth/zb/#');
  for (const filter of options.watchAlso ?? []) await watch.client.subscribeAsync(filter, { qos: 1 });
  const stateDir = options.stateDir ?? (await tempDir());
  // a call the simulated network never answers times out in 300 ms, not herdsman's 10 s
  const network = options.network ?? new SimulatedZigbeeNetwork(kinds, { maxWaitMs: 300 });
  const path = registerSimulatedNetwork(network);
  onTestFinished(() => unregisterSimulatedNetwork(path));
  const log = pino({ level: process.env.HUB_LOG ?? 'silent' }, pino.destination(2));
  const hub = await startBridgedHub(
    {
      hubId: 'zb',
      stateDir,
      uplink: { port: broker.port, startupWaitMs: 5000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
      // a renamed or removed device's old topics are cleared configsAppliedMs after its new configs reached the broker (2 s by default)
      homeassistant: { configsAppliedMs: options.configsAppliedMs ?? 100 },
      radios: {
        ...options.otherProfile,
        restart: options.restart ?? {},
        breakers: { zigbee: options.breaker ?? {}, ...options.otherBreakers },
      },
    },
    {
      simulated: {
        ...options.otherRadios,
        zigbee: {
          network,
          serialPath: path,
          options: {
            controller: simulatedControllerSettings(path, stateDir),
            availability: options.availability ?? { activeTimeoutMs: 600_000, passiveTimeoutMs: 90_000_000 },
            maxReportsPerS: options.maxReportsPerS ?? 20,
            backupIntervalMs: 86_400_000,
            probeTimeoutMs: 500,
            sleepyAnswerMs: options.sleepyAnswerMs ?? 1000,
            ...(options.joinPolicy === undefined ? {} : { joinPolicy: options.joinPolicy }),
          },
        },
      },
      log,
    },
  );
  const radio = hub.radios.find((part) => part.radio.kind === 'zigbee')?.radio as ZigbeeRadio;
  onTestFinished(hub.stop);
  // the hub's subscriptions went out before its bridge state: from here on, commands reach it
  await watch.waitFor('hearth/zb/bridge/state', '{"state":"online"}');
  if (options.waitForDevices !== false) {
    for (const device of network.all)
      await until(() => hub.devices.device(idOf(device)) !== undefined, 10_000, `${device.kind} is registered`);
  }
  return { ...hub, network, radio, watch, broker, stateDir, topic: (device) => `hearth/zb/${idOf(device)}` };
}
