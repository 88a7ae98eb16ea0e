/**
 * What the Zigbee radio's helpers (groups, bridge/devices fields) need of the radio: its
 * running herdsman Controller and what it knows of each device (its converters definition and
 * whether a definition supports it), without reaching into the radio class.
 */
import type { Controller, Models } from 'zigbee-herdsman';
import type { Definition } from 'zigbee-herdsman-converters';
import { parseDeviceId } from '../../model/device-id.js';
import { ErrorCode, HearthError } from '../../errors.js';

export interface ZigbeeKnown {
  definition: Definition | undefined;
  supported: boolean;
}

export interface ZigbeeAccess {
  /** The running controller; throws RADIO_UNAVAILABLE when the radio is not running. */
  controller(): Controller;
  known(deviceId: string): ZigbeeKnown | undefined;
}

/** The herdsman device of a hearth id, or DEVICE_NOT_FOUND. */
export function herdsmanDevice(access: ZigbeeAccess, deviceId: string): Models.Device {
  const parsed = parseDeviceId(deviceId);
  const device = parsed.radio === 'zigbee' ? access.controller().getDeviceByIeeeAddr(parsed.ieeeAddress) : undefined;
  if (device === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `${deviceId} is not on the Zigbee network`);
  return device;
}

/** The endpoint a device's commands go to: the definition's `default`, else its first. */
export function defaultEndpoint(definition: Definition | undefined, device: Models.Device): Models.Endpoint | undefined {
  const mapped = definition?.endpoint?.(device).default;
  return (mapped === undefined ? undefined : device.getEndpoint(mapped)) ?? device.endpoints[0];
}
