/**
 * A hub with the Z-Wave radio on a simulated network (the real zwave-js Driver against
 * zwave-js's mock controller and the simulated devices), talking to a real Mosquitto.
 */
import { onTestFinished } from 'vitest';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { NodeStatus, type PartialZWaveOptions } from 'zwave-js';
import { SimulatedZWaveNetwork, SIMULATED_HOME_ID } from '../../../src/radios/zwave/simulator/simulated-network.js';
import type { SimulatedMember } from '../../../src/radios/zwave/simulator/simulated-devices.js';
import type { ZWaveRadio } from '../../../src/radios/zwave/zwave-radio.js';
import { zwaveId } from '../../../src/model/device-id.js';
import type { MockNvm } from './nvm-controller.js';
import { startBridgedHub, type BridgedHub } from '../../support/bridged-hub.js';
import { Mosquitto, type MosquittoOptions } from '../../support/mosquitto.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';

// zwave-js behaves differently under NODE_ENV=test (vitest's default): shorter start-up waits,
// pending commands left unsettled and DB locks treated differently at destroy. These tests
// run it as a hub does.
process.env.NODE_ENV = 'production';

export interface ZWaveHub extends BridgedHub {
  network: SimulatedZWaveNetwork;
  radio: ZWaveRadio;
  watch: MqttWatch;
  broker: Mosquitto;
}

export const nodeIdOf = (nodeId: number): string => zwaveId(SIMULATED_HOME_ID, nodeId);

export interface ZWaveHubOptions {
  restart?: Record<string, number>;
  /** `radios.breakers.zwave` */
  breaker?: Record<string, number>;
  unplugged?: boolean;
  metrics?: Registry;
  /** zwave-js timeouts over the simulator's (e.g. a short controller ACK timeout). */
  timeouts?: NonNullable<PartialZWaveOptions['timeouts']>;
  /** zwave-js retry counts (e.g. one controller attempt, so that a hung controller fails in one ACK timeout). */
  attempts?: PartialZWaveOptions['attempts'] & { openSerialPort?: number };
  securityKeys?: PartialZWaveOptions['securityKeys'];
  /** `radios.zwave.maxDevices` */
  maxDevices?: number;
  /** `radios.zwave.firmware.maxBytes` (firmware files are read from `<stateDir>/zwave-firmware`, the default folder) */
  firmwareMaxBytes?: number;
  /** The hub's logger (by default pino at HUB_LOG, silent). */
  log?: Logger;
  broker?: MosquittoOptions;
  /** The hub's state directory (a fresh one by default): a test may leave files there first. */
  stateDir?: string;
  /** The controller's NVM: the mock controller answers the NVM operations from it, and the radio keeps NVM backups. */
  nvm?: MockNvm;
  /** `radios.settleMaxS` (30 by default) */
  settleMaxS?: number;
}

export async function startZWaveHub(kinds: readonly SimulatedMember[], options: ZWaveHubOptions = {}): Promise<ZWaveHub> {
  const broker = await Mosquitto.start(options.broker);
  onTestFinished(() => broker.stop());
  const watch = await MqttWatch.connect(broker.url, 'hearth/zw/#');
  const stateDir = options.stateDir ?? (await tempDir());
  const network = new SimulatedZWaveNetwork(kinds, options.nvm?.extras);
  if (options.unplugged === true) network.unplug();
  const log = options.log ?? pino({ level: process.env.HUB_LOG ?? 'silent' }, pino.destination(2));
  onTestFinished(() => network.close());
  const hub = await startBridgedHub(
    {
      hubId: 'zw',
      stateDir,
      uplink: { port: broker.port, startupWaitMs: 5000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
      // a renamed or removed device's old topics are cleared 100 ms after its new configs reached the broker (2 s by default)
      homeassistant: { configsAppliedMs: 100 },
      radios: {
        restart: options.restart ?? {},
        ...(options.settleMaxS === undefined ? {} : { settleMaxS: options.settleMaxS }),
        breakers: { zwave: options.breaker ?? {} },
        zwave: {
          ...(options.maxDevices === undefined ? {} : { maxDevices: options.maxDevices }),
          ...(options.firmwareMaxBytes === undefined ? {} : { firmware: { maxBytes: options.firmwareMaxBytes } }),
        },
      },
    },
    {
      simulated: {
        zwave: {
          network,
          ...(options.nvm === undefined ? {} : { nvm: true }),
          driverOptions: {
            timeouts: options.timeouts ?? {},
            // zwave-js tries a missing port 10 times a second apart before it gives up; twice is enough
            // to show it (a test may ask for once). zwave-js 15.15's Driver reads this option but leaves it out of its typings.
            attempts: { openSerialPort: 2, ...options.attempts },
            ...(options.securityKeys === undefined ? {} : { securityKeys: options.securityKeys }),
          },
        },
      },
      log,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    },
  );
  onTestFinished(hub.stop);
  // bridge/info goes out after the hub's SUBSCRIBE: from here on, commands and requests reach it
  await watch.waitFor('hearth/zw/bridge/info', () => true, 10_000);
  const radio = hub.radios.find((part) => part.radio.kind === 'zwave')?.radio as ZWaveRadio;
  return { ...hub, network, radio, watch, broker };
}

/** A bridge request's answer. */
export interface BridgeAnswer {
  status: 'ok' | 'error';
  data: Record<string, unknown>;
  error?: { code: string; message: string };
}

let transactions = 0;
/** Publishes `bridge/request/<command>` and resolves with its answer (matched by transaction). */
export async function bridgeRequest(
  hub: ZWaveHub,
  command: string,
  payload: Record<string, unknown>,
  timeoutMs = 20_000,
): Promise<BridgeAnswer> {
  const tx = `r${++transactions}`;
  const answer = hub.watch.waitFor(`hearth/zw/bridge/response/${command}`, (p) => p.includes(`"transaction":"${tx}"`), timeoutMs);
  await hub.watch.client.publishAsync(`hearth/zw/bridge/request/${command}`, JSON.stringify({ ...payload, transaction: tx }), { qos: 1 });
  return JSON.parse((await answer).payload) as BridgeAnswer;
}

/**
 * Wakes up a sleeping node once the driver counts it asleep (its protocol info read): a wake-up
 * notification that comes sooner can be lost to the interview, which then waits for the next
 * wake-up, an hour later.
 */
/**
 * Until a node is asleep to the simulated device and to the driver alike: the device sleeps as it
 * hears Wake Up No More Information, zwave-js marks it asleep only once that frame is acknowledged,
 * and a command sent in between goes to the radio as to an awake node (no queued answer).
 */
export async function untilAsleep(hub: ZWaveHub, nodeId: number, timeoutMs = 15_000): Promise<void> {
  await until(
    () => hub.network.device(nodeId).asleep && hub.radio.zwave.controller.nodes.get(nodeId)?.status === NodeStatus.Asleep,
    timeoutMs,
    `node ${nodeId} asleep to the device and the driver`,
  );
}

export async function wakeUpOnceAsleep(hub: ZWaveHub, nodeId: number): Promise<void> {
  await until(
    () => hub.radio.zwave.controller.nodes.get(nodeId)?.status === NodeStatus.Asleep,
    30_000,
    `node ${nodeId} asleep to the driver`,
  );
  await hub.network.device(nodeId).wakeUp();
}
