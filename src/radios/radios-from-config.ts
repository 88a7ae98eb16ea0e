/**
 * Which radios the hub runs, from config: each enabled radio on its real backend, or on its
 * simulator when `simulate` is set. A radio's library (zwave-js, zigbee-herdsman and its
 * converters, onoff) is loaded only when that radio is enabled, and only at its first start
 * (deferred-radio.ts): the hub publishes what its store knows before; zwave-js without the
 * stack-trace rewriting it installs (without-stack-rewriting.ts). `restoredState` gives a radio
 * the state the hub kept for a device (GPIO outputs start where they were); `simulated` the
 * hardware a test or bench drives (simulated-parts.ts). A radio on a real serial port checks
 * that the port is there before each start (serial-port-check.ts).
 */
import type { HearthConfig } from '../config/schema.js';
import type { ModuleLogging } from '../observability/logger.js';
import type { Radio } from './radio.js';
import type { SimulatedParts } from './simulated-parts.js';
import { DeferredRadio } from './deferred-radio.js';
import { checkingSerialPort } from './serial-port-check.js';
import { withoutStackRewriting } from './without-stack-rewriting.js';

export interface RadioContext {
  restoredState?: (id: string) => Promise<unknown>;
  /** Simulated hardware handed in by a test or bench, used for the radios the config enables. */
  simulated?: SimulatedParts;
}

export function radiosFromConfig(config: HearthConfig, logging: ModuleLogging, context: RadioContext = {}): Radio[] {
  const radios: Radio[] = [];
  const { zwave, zigbee, gpio } = config.radios;
  const simulated = context.simulated ?? {};
  const onPort = (radio: Radio, settings: { simulate: boolean; serialPort?: string | undefined }): Radio =>
    settings.simulate || settings.serialPort === undefined ? radio : checkingSerialPort(radio, settings.serialPort);
  if (zwave.enabled)
    radios.push(
      onPort(
        new DeferredRadio('zwave', async () =>
          (await withoutStackRewriting(() => import('./zwave/zwave-from-config.js'))).zwaveRadioFromConfig(
            config,
            logging,
            simulated.zwave,
          ),
        ),
        zwave,
      ),
    );
  if (gpio.enabled)
    radios.push(
      new DeferredRadio('gpio', async () =>
        (await import('./gpio/gpio-from-config.js')).gpioRadioFromConfig(
          config,
          logging.forModule('radios.gpio'),
          context.restoredState,
          simulated.gpio,
        ),
      ),
    );
  if (zigbee.enabled)
    radios.push(
      onPort(
        new DeferredRadio('zigbee', async () =>
          (await import('./zigbee/zigbee-from-config.js')).zigbeeRadioFromConfig(
            config,
            logging,
            typeof simulated.zigbee === 'function' ? await simulated.zigbee() : simulated.zigbee,
          ),
        ),
        zigbee,
      ),
    );
  return radios;
}
