/** A node as the hub sees it: its capabilities (value-mapping.ts), model, vendor, firmware and name, from zwave-js's config database or the node itself. */
import type { ZWaveNode } from 'zwave-js';
import type { RadioDevice } from '../radio.js';
import { capabilitiesOf, type ValueBinding } from './value-mapping.js';

export function describeNode(node: ZWaveNode, id: string, bindings: ValueBinding[]): RadioDevice {
  const device: RadioDevice = { id, capabilities: capabilitiesOf(bindings) };
  const model =
    node.deviceConfig?.label ??
    node.label ??
    (node.productId === undefined
      ? undefined
      : `0x${node.productType?.toString(16).padStart(4, '0')}-0x${node.productId.toString(16).padStart(4, '0')}`);
  const vendor =
    node.deviceConfig?.manufacturer ??
    node.manufacturer ??
    (node.manufacturerId === undefined ? undefined : `0x${node.manufacturerId.toString(16).padStart(4, '0')}`);
  if (model !== undefined) device.model = model;
  if (vendor !== undefined) device.vendor = vendor;
  if (node.firmwareVersion !== undefined) device.firmware = node.firmwareVersion;
  if (node.name !== undefined && node.name !== '') device.name = node.name;
  return device;
}
