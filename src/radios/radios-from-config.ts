/**
 * Which radios the hub runs, from config: each enabled radio on its real backend, or on its
 * simulator when `simulate` is set. A radio's library (zwave-js, zigbee-herdsman and its
 * converters, onoff) is loaded only when that radio is enabled. `restoredState` gives a radio
 * the state the hub kept for a device (GPIO outputs start where they were); `simulated` the
 * hardware a test or bench drives (simulated-parts.ts).
 */
import type { HearthConfig } from '../config/schema.js';
import type { ModuleLogging } from '../observability/logger.js';
import type { Radio } from './radio.js';
import type { SimulatedParts } from './simulated-parts.js';

export interface RadioContext {
  restoredState?: (id: string) => Promise<unknown>;
  /** Simulated hardware handed in by a test or bench, used for the radios the config enables. */
  simulated?: SimulatedParts;
}

export async function radiosFromConfig(config: HearthConfig, logging: ModuleLogging, context: RadioContext = {}): Promise<Radio[]> {
  const radios: Radio[] = [];
  const { zwave, zigbee, gpio } = config.radios;
  const simulated = context.simulated ?? {};
  if (zwave.enabled)
    radios.push(await (await import('./zwave/zwave-from-config.js')).zwaveRadioFromConfig(config, logging, simulated.zwave));
  if (gpio.enabled) {
    const { gpioRadioFromConfig } = await import('./gpio/gpio-from-config.js');
    radios.push(gpioRadioFromConfig(config, logging.forModule('radios.gpio'), context.restoredState, simulated.gpio));
  }
  if (zigbee.enabled)
    radios.push(await (await import('./zigbee/zigbee-from-config.js')).zigbeeRadioFromConfig(config, logging, simulated.zigbee));
  return radios;
}
