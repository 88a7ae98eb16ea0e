/**
 * What the Z-Wave tools (configuration, associations, node care, NVM) need of the radio: the
 * running driver, a device's node (DEVICE_NOT_FOUND otherwise), a node's device id, and the
 * radio's bridge events.
 */
import type { Driver, ZWaveNode } from 'zwave-js';
import type { RadioListener } from '../../radio.js';

export interface ToolContext {
  /** The running driver (RADIO_UNAVAILABLE when the radio is not ready). */
  driver(): Driver;
  node(deviceId: string): ZWaveNode;
  idOf(node: ZWaveNode): string;
  event: RadioListener['event'];
}
