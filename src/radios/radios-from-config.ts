/**
 * Which radios the hub runs, from config: each enabled radio on its real backend, or on its
 * simulator when `simulate` is set. Radios whose issue has not landed yet are named in a
 * warning and left out, so a config written for them still starts the hub. `restoredState`
 * gives a radio the state the hub kept for a device (GPIO outputs start where they were).
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

export interface RadioContext {
  restoredState?: (id: string) => Promise<unknown>;
}

export function radiosFromConfig(config: HearthConfig, logging: Logging, context: RadioContext = {}): Radio[] {
  const radios: Radio[] = [];
  const { zwave, zigbee, gpio } = config.radios;
  if (zwave.enabled) {
    const log = logging.forModule('radios.zwave');
    const driverOptions = zwaveDriverOptions(config, logging.forModule('radios.zwave.driver'));
    if (zwave.simulate) {
      const network = new SimulatedZWaveNetwork(SIMULATED_KINDS);
      const activity = new DemoActivity(network, log);
      radios.push(
        new ZWaveRadio({
          port: network.port,
          driverOptions: { ...driverOptions, ...network.driverOptions },
          log,
          afterStart: (driver) => {
            network.nameNodes(driver);
            activity.start();
          },
          // the simulated network lives as long as the process: a restarted radio opens it again
          afterStop: () => activity.stop(),
        }),
      );
    } else {
      radios.push(new ZWaveRadio({ port: zwave.serialPort as string, driverOptions, log }));
    }
  }
  if (gpio.enabled) radios.push(gpioRadioFromConfig(config, logging.forModule('radios.gpio'), context.restoredState));
  const later = [zigbee.enabled && 'zigbee'].filter((name): name is string => name !== false);
  if (later.length > 0) logging.forModule('radios').warn({ radios: later }, `radios not in this version yet, left out: ${later.join(', ')}`);
  return radios;
}
