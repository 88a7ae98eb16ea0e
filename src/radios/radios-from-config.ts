/**
 * Which radios the hub runs, from config: each enabled radio on its real backend, or on its
 * simulator when `simulate` is set. A radio's library (zwave-js, zigbee-herdsman and its
 * converters, onoff) is loaded only when that radio is enabled. `restoredState` gives a radio
 * the state the hub kept for a device (GPIO outputs start where they were). A radio on a real
 * serial port checks that the port is there before each start (serial-port-check.ts).
 */
import type { HearthConfig } from '../config/schema.js';
import type { ModuleLogging } from '../observability/logger.js';
import type { Radio } from './radio.js';
import { checkingSerialPort } from './serial-port-check.js';

export interface RadioContext {
  restoredState?: (id: string) => Promise<unknown>;
}

export async function radiosFromConfig(config: HearthConfig, logging: ModuleLogging, context: RadioContext = {}): Promise<Radio[]> {
  const radios: Radio[] = [];
  const { zwave, zigbee, gpio } = config.radios;
  const onPort = (radio: Radio, settings: { simulate: boolean; serialPort?: string | undefined }): Radio =>
    settings.simulate || settings.serialPort === undefined ? radio : checkingSerialPort(radio, settings.serialPort);
  if (zwave.enabled) radios.push(onPort(await (await import('./zwave/zwave-from-config.js')).zwaveRadioFromConfig(config, logging), zwave));
  if (gpio.enabled)
    radios.push(
      (await import('./gpio/gpio-from-config.js')).gpioRadioFromConfig(config, logging.forModule('radios.gpio'), context.restoredState),
    );
  if (zigbee.enabled)
    radios.push(onPort(await (await import('./zigbee/zigbee-from-config.js')).zigbeeRadioFromConfig(config, logging), zigbee));
  return radios;
}
