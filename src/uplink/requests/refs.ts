/**
 * The references a bridge request names things by: a device by friendly name or id, a room by
 * name or id, and the lookup that turns a device reference into its record or a
 * DEVICE_NOT_FOUND error.
 */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../../errors.js';
import { quotedName } from '../payload-bounds.js';
import type { BridgeContext } from './request-module.js';

export const deviceRef = z
  .string({ error: 'expected a device friendly name or id' })
  .min(1, { error: 'expected a device friendly name or id' });

/** A room by its id or its name (src/devices/rooms.ts). */
export const roomRef = z.string({ error: 'expected the room name or id' }).min(1, { error: 'expected the room name or id' });

export function deviceOf(context: BridgeContext, ref: string) {
  const record = context.devices.resolve(ref);
  if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device named or with id ${quotedName(ref)}`);
  return record;
}
