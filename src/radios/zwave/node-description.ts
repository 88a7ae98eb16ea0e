/**
 * A node as the hub sees it: its capabilities (value-mapping.ts; and the `update` state of
 * tools/firmware-updates.ts for a node with the Firmware Update Meta Data CC), model, vendor,
 * firmware and name, from zwave-js's config database or the node itself.
 */
import { CommandClasses } from '@zwave-js/core';
import type { ZWaveNode } from 'zwave-js';
import { ACCESS_STATE, type Capability } from '../../model/capabilities.js';
import type { RadioDevice } from '../radio.js';
import { capabilitiesOf, type ValueBinding } from './value-mapping.js';

const version = (name: string, label: string) => ({ type: 'text' as const, name, property: name, label, access: ACCESS_STATE });

/** The firmware `update` a node reports (its versions are zwave-js's firmware version strings). */
const FIRMWARE_UPDATE: Capability = {
  type: 'composite',
  name: 'update',
  property: 'update',
  label: 'Firmware update',
  access: ACCESS_STATE,
  features: [
    { type: 'enum', name: 'state', property: 'state', label: 'State', access: ACCESS_STATE, values: ['idle', 'updating'] },
    version('installed_version', 'Installed version'),
    version('latest_version', 'Latest version'),
    { type: 'numeric', name: 'progress', property: 'progress', label: 'Progress', access: ACCESS_STATE, unit: '%' },
  ],
};

export function describeNode(node: ZWaveNode, id: string, bindings: ValueBinding[]): RadioDevice {
  const capabilities = capabilitiesOf(bindings);
  if (node.supportsCC(CommandClasses['Firmware Update Meta Data'])) capabilities.push(FIRMWARE_UPDATE);
  const device: RadioDevice = { id, capabilities };
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
