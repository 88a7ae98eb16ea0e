/**
 * The Z-Wave radio as the config asks for it: zwave-js on the configured stick, or with
 * `simulate` on zwave-js's mock controller with the demo's devices and their activity. Loaded
 * only when Z-Wave is enabled, and the simulator only when it is simulated, so a hub without
 * Z-Wave never loads zwave-js and a real one never loads @zwave-js/testing. A test or bench
 * may hand in its own simulated network (simulated-parts.ts).
 */
import { join, resolve } from 'node:path';
import type { HearthConfig } from '../../config/schema.js';
import type { ModuleLogging } from '../../observability/logger.js';
import type { SimulatedZWave } from '../simulated-parts.js';
import { zwaveDriverOptions } from './driver-options.js';
import { ZWaveRadio } from './zwave-radio.js';
import { QueuedCommands } from './queued-commands.js';
import { PendingCommands } from '../../store/pending-commands.js';
import type { FirmwareSettings } from './tools/firmware-updates.js';

/** Where commands for sleeping nodes wait (queued-commands.ts), under the state directory. */
export function queuedCommandsFile(stateDir: string): string {
  return join(stateDir, 'queued-commands', 'zwave.json');
}

/** The durable queue of commands for sleeping nodes, as the config sets it up. */
export function queuedCommandsFromConfig(config: HearthConfig, log: ModuleLogging): QueuedCommands {
  const queueLog = log.forModule('radios.zwave');
  return new QueuedCommands({
    store: new PendingCommands(queuedCommandsFile(config.stateDir), queueLog),
    maxAgeMs: config.uplink.commandMaxAgeS * 1000,
    log: queueLog,
  });
}

/** Firmware updates as the config sets them up: the folder (relative: under the state directory), the size bound, the online service only when enabled. */
export function firmwareSettingsFromConfig(config: HearthConfig): FirmwareSettings {
  const { folder, maxBytes, service } = config.radios.zwave.firmware;
  return {
    folder: resolve(config.stateDir, folder),
    maxBytes,
    ...(service.enabled ? { service: { apiKey: service.apiKey, includePrereleases: service.includePrereleases } } : {}),
  };
}

export async function zwaveRadioFromConfig(config: HearthConfig, logging: ModuleLogging, simulated?: SimulatedZWave): Promise<ZWaveRadio> {
  const log = logging.forModule('radios.zwave');
  const driverLog = logging.forModule('radios.zwave.driver');
  const driverOptions = zwaveDriverOptions(config, driverLog);
  // the keys the driver gets, from wherever they came, never reach a log line
  logging.learnSecrets(Object.values(driverOptions.securityKeys ?? {}).filter((key): key is Buffer => Buffer.isBuffer(key)));
  const { maxDevices } = config.radios.zwave;
  const nvmBackup = { path: join(config.stateDir, 'zwave-nvm.bin'), intervalMs: config.radios.zwave.backupIntervalS * 1000 };
  const queuedCommands = queuedCommandsFromConfig(config, logging);
  const firmware = firmwareSettingsFromConfig(config);
  if (firmware.service?.apiKey !== undefined) logging.learnSecrets([firmware.service.apiKey]);
  if (simulated !== undefined) {
    const { network, driverOptions: tuned = {} } = simulated;
    return new ZWaveRadio({
      port: network.port,
      driverOptions: {
        ...driverOptions,
        ...network.driverOptions,
        ...tuned,
        timeouts: { ...network.driverOptions.timeouts, ...tuned.timeouts },
        ...(tuned.attempts === undefined ? {} : { attempts: { ...network.driverOptions.attempts, ...tuned.attempts } }),
      },
      log,
      driverLog,
      maxDevices,
      queuedCommands,
      firmware,
      // zwave-js's mock controller has no NVM to read unless a test gave it one
      ...(simulated.nvm === true ? { nvmBackup } : {}),
      ...(simulated.afterStart === undefined ? {} : { afterStart: simulated.afterStart }),
      ...(simulated.afterStop === undefined ? {} : { afterStop: simulated.afterStop }),
    });
  }
  if (!config.radios.zwave.simulate)
    return new ZWaveRadio({
      port: config.radios.zwave.serialPort as string,
      driverOptions,
      log,
      driverLog,
      maxDevices,
      queuedCommands,
      firmware,
      nvmBackup,
    });
  const [{ DemoActivity }, { SimulatedZWaveNetwork }, { SIMULATED_KINDS }] = await Promise.all([
    import('./simulator/demo-activity.js'),
    import('./simulator/simulated-network.js'),
    import('./simulator/simulated-devices.js'),
  ]);
  const network = new SimulatedZWaveNetwork(SIMULATED_KINDS);
  const activity = new DemoActivity(network, log);
  return new ZWaveRadio({
    port: network.port,
    driverOptions: { ...driverOptions, ...network.driverOptions },
    log,
    driverLog,
    maxDevices,
    queuedCommands,
    firmware,
    afterStart: (driver) => {
      network.nameNodes(driver);
      activity.start();
    },
    // the simulated network lives as long as the process: a restarted radio opens it again
    afterStop: () => activity.stop(),
  });
}
