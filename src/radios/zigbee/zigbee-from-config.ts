/**
 * The Zigbee radio as the config asks for it: zigbee-herdsman on the configured coordinator,
 * or with `simulate` on the simulated network (real herdsman over the simulated adapter, with
 * the demo's seven devices and their activity). Loaded only when Zigbee is enabled, and the
 * simulator only when it is simulated. A test or bench may hand in its own simulated network
 * (simulated-parts.ts).
 */
import type { HearthConfig } from '../../config/schema.js';
import type { ModuleLogging } from '../../observability/logger.js';
import type { SimulatedZigbee } from '../simulated-parts.js';
import { zigbeeRadioOptions } from './radio-options.js';
import { ZigbeeRadio } from './zigbee-radio.js';

export async function zigbeeRadioFromConfig(
  config: HearthConfig,
  logging: ModuleLogging,
  simulated?: SimulatedZigbee,
): Promise<ZigbeeRadio> {
  const log = logging.forModule('radios.zigbee');
  const herdsmanLog = logging.forModule('radios.zigbee.herdsman');
  const learnSecrets = (secrets: readonly (string | Uint8Array)[]): void => logging.learnSecrets(secrets);
  if (simulated !== undefined) {
    const { network } = simulated;
    const serialPath = simulated.serialPath ?? (await import('./simulator/adapter-hook.js')).registerSimulatedNetwork(network);
    return new ZigbeeRadio({
      ...zigbeeRadioOptions(config, log, herdsmanLog, serialPath, learnSecrets),
      // the simulated devices were paired before: the ones herdsman does not know yet join now
      afterStart: (radio) => network.joinUnknown((ieee) => radio.herdsman.getDeviceByIeeeAddr(ieee) !== undefined),
      ...simulated.options,
    });
  }
  if (!config.radios.zigbee.simulate)
    return new ZigbeeRadio(zigbeeRadioOptions(config, log, herdsmanLog, config.radios.zigbee.serialPort as string, learnSecrets));
  const [{ registerSimulatedNetwork }, { ZigbeeDemoActivity }, { SIMULATED_KINDS }, { SimulatedZigbeeNetwork }] = await Promise.all([
    import('./simulator/adapter-hook.js'),
    import('./simulator/demo-activity.js'),
    import('./simulator/simulated-models.js'),
    import('./simulator/simulated-network.js'),
  ]);
  const network = new SimulatedZigbeeNetwork(SIMULATED_KINDS);
  const activity = new ZigbeeDemoActivity(network);
  const options = zigbeeRadioOptions(config, log, herdsmanLog, registerSimulatedNetwork(network, 'demo'), learnSecrets);
  return new ZigbeeRadio({
    ...options,
    nameOf: (ieee) => {
      const device = network.device(ieee);
      return device === undefined ? undefined : `zigbee/${device.kind}`;
    },
    afterStart: (radio) => {
      // the simulated devices were paired before: the ones herdsman does not know yet join now
      network.joinUnknown((ieee) => radio.herdsman.getDeviceByIeeeAddr(ieee) !== undefined);
      activity.start();
    },
    afterStop: () => activity.stop(),
  });
}
