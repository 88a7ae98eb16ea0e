/**
 * Which radios the hub runs, from config: each enabled radio on its real backend, or on its
 * simulator when `simulate` is set (Zigbee's simulated network: real herdsman over the simulated
 * adapter, with its seven demo devices). `restoredState` gives a radio the state the hub kept
 * for a device (GPIO outputs start where they were).
 */
import type { HearthConfig } from '../config/schema.js';
import type { Logging } from '../observability/logger.js';
import { gpioRadioFromConfig } from './gpio/gpio-from-config.js';
import type { Radio } from './radio.js';
import { zwaveDriverOptions } from './zwave/driver-options.js';
import { DemoActivity } from './zwave/simulator/demo-activity.js';
import { SimulatedZWaveNetwork } from './zwave/simulator/simulated-network.js';
import { SIMULATED_KINDS } from './zwave/simulator/simulated-devices.js';
import { ZWaveRadio } from './zwave/zwave-radio.js';
import { zigbeeRadioOptions } from './zigbee/radio-options.js';
import { registerSimulatedNetwork } from './zigbee/simulator/adapter-hook.js';
import { ZigbeeDemoActivity } from './zigbee/simulator/demo-activity.js';
import { SIMULATED_KINDS as ZIGBEE_KINDS } from './zigbee/simulator/simulated-models.js';
import { SimulatedZigbeeNetwork } from './zigbee/simulator/simulated-network.js';
import { ZigbeeRadio } from './zigbee/zigbee-radio.js';

export interface RadioContext {
  restoredState?: (id: string) => Promise<unknown>;
}

export function radiosFromConfig(config: HearthConfig, logging: Logging, context: RadioContext = {}): Radio[] {
  const radios: Radio[] = [];
  const { zwave, zigbee, gpio } = config.radios;
  if (zwave.enabled) {
    const log = logging.forModule('radios.zwave');
    const driverLog = logging.forModule('radios.zwave.driver');
    const driverOptions = zwaveDriverOptions(config, driverLog);
    if (zwave.simulate) {
      const network = new SimulatedZWaveNetwork(SIMULATED_KINDS);
      const activity = new DemoActivity(network, log);
      radios.push(
        new ZWaveRadio({
          port: network.port,
          driverOptions: { ...driverOptions, ...network.driverOptions },
          log,
          driverLog,
          afterStart: (driver) => {
            network.nameNodes(driver);
            activity.start();
          },
          // the simulated network lives as long as the process: a restarted radio opens it again
          afterStop: () => activity.stop(),
        }),
      );
    } else {
      radios.push(new ZWaveRadio({ port: zwave.serialPort as string, driverOptions, log, driverLog }));
    }
  }
  if (gpio.enabled) radios.push(gpioRadioFromConfig(config, logging.forModule('radios.gpio'), context.restoredState));
  if (zigbee.enabled) {
    const log = logging.forModule('radios.zigbee');
    const herdsmanLog = logging.forModule('radios.zigbee.herdsman');
    if (zigbee.simulate) {
      const network = new SimulatedZigbeeNetwork(ZIGBEE_KINDS);
      const activity = new ZigbeeDemoActivity(network);
      const options = zigbeeRadioOptions(config, log, herdsmanLog, registerSimulatedNetwork(network, 'demo'));
      radios.push(
        new ZigbeeRadio({
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
        }),
      );
    } else {
      radios.push(new ZigbeeRadio(zigbeeRadioOptions(config, log, herdsmanLog, zigbee.serialPort as string)));
    }
  }
  return radios;
}
