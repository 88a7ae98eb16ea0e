/**
 * Simulated hardware a test or a bench hands to the hub in place of what the config would
 * open: a Z-Wave mock network, a simulated Zigbee network, in-process GPIO pins. The radios
 * are still built by their own factories (`*-from-config.ts`) from the config, so a test runs
 * the hub's own wiring; only the hardware and the library options a test tunes (shorter
 * timeouts, fewer retries) come from outside. A Zigbee network may be handed in as a function
 * that builds it: called at the radio's first start, so that its library (herdsman, which the
 * simulator uses) loads then, after the hub has published what its store knows (a bench's restart).
 */
import type { Driver, PartialZWaveOptions } from 'zwave-js';
import type { BoardId } from '../hardware/board-profile.js';
import type { PinBackend } from './gpio/pin-backend.js';
import type { SimulatedZigbeeNetwork } from './zigbee/simulator/simulated-network.js';
import type { ZigbeeRadioOptions } from './zigbee/zigbee-radio.js';
import type { SimulatedZWaveNetwork } from './zwave/simulator/simulated-network.js';

export interface SimulatedZWave {
  network: SimulatedZWaveNetwork;
  /** zwave-js options over the config's and the network's (timeouts and attempts are merged key by key). */
  driverOptions?: PartialZWaveOptions & { attempts?: PartialZWaveOptions['attempts'] & { openSerialPort?: number } };
  afterStart?: (driver: Driver) => void;
  afterStop?: () => void;
  /** The network's controller answers the NVM operations (a test gave it an NVM): the radio keeps NVM backups as on a stick. */
  nvm?: boolean;
}

export interface SimulatedZigbee {
  network: SimulatedZigbeeNetwork;
  /** The network's serial path, when the caller registered it (adapter-hook.ts); registered here otherwise. */
  serialPath?: string;
  /** Radio options over the config's (a fixed network identity, shorter waits). */
  options?: Partial<ZigbeeRadioOptions>;
}

export interface SimulatedGpio {
  pins: PinBackend;
  /** The board the pins belong to (default pi-4b). */
  board?: BoardId;
}

export interface SimulatedParts {
  zwave?: SimulatedZWave;
  zigbee?: SimulatedZigbee | (() => Promise<SimulatedZigbee>);
  gpio?: SimulatedGpio;
}
