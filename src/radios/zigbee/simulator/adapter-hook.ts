/**
 * Selects the simulated adapter for herdsman's `Controller`: `Adapter.create` (the static
 * factory the Controller calls in `start()`) is replaced, once per process, by one that opens a
 * registered simulated network for a serial path `simulated:<name>` and hands every other path
 * to herdsman's own factory.
 *
 * NOT PUBLIC API: `Adapter.create` in `zigbee-herdsman/dist/adapter/adapter` is a herdsman
 * internal; checked against zigbee-herdsman 10.9.5.
 */
import { Adapter } from 'zigbee-herdsman/dist/adapter/adapter.js';
import { SimulatedAdapter } from './simulated-adapter.js';
import type { SimulatedZigbeeNetwork } from './simulated-network.js';

const PREFIX = 'simulated:';
const networks = new Map<string, SimulatedZigbeeNetwork>();
let installed = false;
let counter = 0;

function install(): void {
  if (installed) return;
  installed = true;
  const original = Adapter.create.bind(Adapter);
  Adapter.create = async (networkOptions, serialPortOptions, backupPath, adapterOptions) => {
    const path = serialPortOptions.path;
    if (path === undefined || !path.startsWith(PREFIX)) return original(networkOptions, serialPortOptions, backupPath, adapterOptions);
    const network = networks.get(path);
    if (network === undefined) throw new Error(`no simulated Zigbee network at ${path}`);
    return Promise.resolve(new SimulatedAdapter(network, networkOptions, serialPortOptions, backupPath, adapterOptions));
  };
}

/** Registers a network; returns the serial path that opens it. */
export function registerSimulatedNetwork(network: SimulatedZigbeeNetwork, name = `network-${++counter}`): string {
  install();
  const path = `${PREFIX}${name}`;
  networks.set(path, network);
  return path;
}

export function unregisterSimulatedNetwork(path: string): void {
  networks.delete(path);
}
