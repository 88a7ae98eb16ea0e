/**
 * The GPIO radio as the config asks for it: on the board's sysfs GPIO through onoff; or, with
 * `simulate`, on the simulated tree when this process runs inside a simulation's namespace
 * (onoff gets the epoll stand-in), else on in-process simulated pins, with a warning that says
 * why (the demo without root); or on the pins a test or bench hands in (simulated-parts.ts).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HearthConfig } from '../../config/schema.js';
import { boardProfile, detectBoard, type BoardId } from '../../hardware/board-profile.js';
import type { SimulatedGpio } from '../simulated-parts.js';
import { GpioRadio } from './gpio-radio.js';
import { OnoffBackend } from './onoff-backend.js';
import { installEpollStandIn } from './simulator/epoll-standin.js';
import { InProcessPins } from './simulator/in-process-pins.js';
import { namespaceProblem, simulationMarker } from './simulator/namespace.js';

/** The board a simulation plays when the config says `auto`. */
export const SIMULATED_BOARD: BoardId = 'pi-4b';

export function gpioRadioFromConfig(
  config: HearthConfig,
  log: Logger,
  restoredState?: (id: string) => Promise<unknown>,
  simulated?: SimulatedGpio,
): GpioRadio {
  const gpio = config.radios.gpio;
  const exportsFile = join(config.stateDir, 'gpio-exported.json');
  const common = { config: gpio, log, ...(restoredState === undefined ? {} : { restoredState }) };
  if (simulated !== undefined) {
    const { pins } = simulated;
    return new GpioRadio({
      ...common,
      board: () => Promise.resolve(boardProfile(simulated.board ?? SIMULATED_BOARD)),
      backend: () => pins,
    });
  }
  if (!gpio.simulate) {
    return new GpioRadio({
      ...common,
      board: async () => (gpio.board === 'auto' ? detectBoard() : boardProfile(gpio.board)),
      backend: (profile) => new OnoffBackend({ sysfsPath: gpio.sysfsPath, profile, exportsFile }),
    });
  }
  const marker = simulationMarker();
  if (marker !== undefined) {
    return new GpioRadio({
      ...common,
      board: () => Promise.resolve(boardProfile(gpio.board === 'auto' ? marker.board : gpio.board)),
      // onoff always opens /sys/class/gpio: inside the namespace that is the simulated tree
      backend: (profile) => new OnoffBackend({ sysfsPath: '/sys/class/gpio', profile, exportsFile, beforeLoad: installEpollStandIn }),
    });
  }
  const why = namespaceProblem() ?? 'this hub was not started inside a simulation namespace (hearth start makes one)';
  log.warn({ reason: why }, `gpio: no simulated sysfs tree (${why}): the in-process simulated pins stand in, and onoff is not exercised`);
  return new GpioRadio({
    ...common,
    board: () => Promise.resolve(boardProfile(gpio.board === 'auto' ? SIMULATED_BOARD : gpio.board)),
    backend: () => new InProcessPins(),
  });
}
