/**
 * `hearth start` with a simulated GPIO radio: the hub must run inside a simulation's mount
 * namespace for the real onoff to find the simulated tree, so the command starts itself again
 * in one (the kernel host plays the kernel beside it) and passes on its exit code and each stop
 * signal, once and by its own name (src/lifecycle/signal-relay.ts).
 * Where no namespace can be made, the hub runs here and the radio falls back to in-process pins
 * (gpio-from-config.ts says so).
 */
import type { HearthConfig } from '../../../config/schema.js';
import { boardProfile } from '../../../hardware/board-profile.js';
import { isOutput } from '../gpio-devices.js';
import { SIMULATED_BOARD } from '../gpio-from-config.js';
import { planPins } from '../../../config/pin-plan.js';
import { SignalRelay } from '../../../lifecycle/signal-relay.js';
import { namespaceProblem, simulationMarker, spawnGpioSimulation } from './namespace.js';

/** Whether this start should run the hub again inside a simulation namespace. */
export function wantsGpioNamespace(config: HearthConfig): boolean {
  const { gpio } = config.radios;
  return gpio.enabled && gpio.simulate && simulationMarker() === undefined && namespaceProblem() === undefined;
}

/** Runs this same command inside a new simulation namespace; resolves with its exit code. */
export function runSelfInGpioNamespace(config: HearthConfig): Promise<number> {
  const board = config.radios.gpio.board === 'auto' ? SIMULATED_BOARD : config.radios.gpio.board;
  // an active-low input idles high on its wire (the pull-up), so it does not start pressed
  const levels: Record<number, 0 | 1> = {};
  for (const pin of planPins(config.radios.gpio.devices, boardProfile(board)))
    if (!isOutput(pin.device) && pin.device.activeLow) levels[pin.line] = 1;
  const child = spawnGpioSimulation(
    { board, layout: '6.6', levels, command: [process.execPath, ...process.execArgv, ...process.argv.slice(1)] },
    ['inherit', 'inherit', 'inherit'],
  );
  // one signal per stop request, by its own name (a Ctrl-C often arrives twice: signal-relay.ts)
  SignalRelay.fromProcess({ send: (signal) => child.kill(signal) });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
}
