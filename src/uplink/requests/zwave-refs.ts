/** What the Z-Wave requests share: the running Z-Wave radio's tools, and a request's device as a Z-Wave device id. */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../../errors.js';
import { zwaveToolsOf, type ZWaveTools } from '../../radios/zwave-tools.js';
import { quotedName } from '../payload-bounds.js';
import type { BridgeContext } from './request-module.js';
import { deviceOf } from './refs.js';

export function zwaveTools(context: BridgeContext): ZWaveTools {
  const tools = zwaveToolsOf(context.radios.running('zwave'));
  if (tools === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'the Z-Wave radio has no configuration or node tools');
  return tools;
}

/** The device's record, which must be a Z-Wave device. */
export function zwaveDevice(context: BridgeContext, ref: string): { id: string; friendly_name: string } {
  const record = deviceOf(context, ref);
  if (record.radio !== 'zwave')
    throw new HearthError(ErrorCode.DeviceNotFound, `${quotedName(ref)} is a ${record.radio} device, not a Z-Wave one`);
  return { id: record.id, friendly_name: record.friendlyName };
}

/** A parameter by number (1-65535) or label. */
export const parameterRef = z.union([z.int().min(0).max(65_535), z.string().min(1).max(200)], {
  error: 'expected the parameter number or its label',
});

export const bitmask = z.int().min(1).max(0xffff_ffff).optional();
export const endpoint = z.int().min(0).max(127).optional();
