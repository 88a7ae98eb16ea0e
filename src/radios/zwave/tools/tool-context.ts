/**
 * What the Z-Wave tools (configuration, associations, node care, NVM, firmware) need of the
 * radio: the running driver, a device's node (DEVICE_NOT_FOUND otherwise), a node's device id,
 * the radio's bridge events, and reports of a device's state (its firmware `update`).
 */
import type { Driver, ZWaveNode } from 'zwave-js';
import type { RadioListener } from '../../radio.js';

export interface ToolContext {
  /** The running driver (RADIO_UNAVAILABLE when the radio is not ready). */
  driver(): Driver;
  node(deviceId: string): ZWaveNode;
  idOf(node: ZWaveNode): string;
  event: RadioListener['event'];
  report: RadioListener['report'];
}
