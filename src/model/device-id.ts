/**
 * Stable device ids, one form per radio: `zigbee:0x<IEEE address, 16 hex digits>`,
 * `zwave:<home id>:<node id>`, `gpio:<chip>:<line>`. They never change while the device
 * exists (a friendly name may); parsing names what is wrong with a bad one.
 */
import { ErrorCode, HearthError } from '../errors.js';

export type RadioKind = 'zigbee' | 'zwave' | 'gpio';

export type ParsedDeviceId =
  | { radio: 'zigbee'; ieeeAddress: string }
  | { radio: 'zwave'; homeId: number; nodeId: number }
  | { radio: 'gpio'; chip: number; line: number };

const ZIGBEE = /^zigbee:(0x[0-9a-f]{16})$/;
const ZWAVE = /^zwave:(\d{1,10}):(\d{1,3})$/;
const GPIO = /^gpio:(\d{1,3}):(\d{1,4})$/;

export function parseDeviceId(id: string): ParsedDeviceId {
  let match = ZIGBEE.exec(id);
  if (match !== null) return { radio: 'zigbee', ieeeAddress: match[1] as string };
  match = ZWAVE.exec(id);
  if (match !== null) {
    const homeId = Number(match[1]);
    const nodeId = Number(match[2]);
    if (homeId <= 0xffffffff && nodeId >= 1 && nodeId <= 232) return { radio: 'zwave', homeId, nodeId };
  }
  match = GPIO.exec(id);
  if (match !== null) return { radio: 'gpio', chip: Number(match[1]), line: Number(match[2]) };
  throw new HearthError(
    ErrorCode.DeviceIdInvalid,
    `device id ${JSON.stringify(id)}: expected zigbee:0x<16 lower-case hex digits>, zwave:<home id>:<node id 1-232> or gpio:<chip>:<line>`,
  );
}

export function zigbeeId(ieeeAddress: string): string {
  return `zigbee:${ieeeAddress.toLowerCase()}`;
}

export function zwaveId(homeId: number, nodeId: number): string {
  return `zwave:${homeId}:${nodeId}`;
}

export function gpioId(chip: number, line: number): string {
  return `gpio:${chip}:${line}`;
}
