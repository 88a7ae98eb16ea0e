/** How a Zigbee bridge request reaches the running Zigbee radio's tools, and a device reference that must name a Zigbee device. */
import { ErrorCode, HearthError } from '../../errors.js';
import type { ZigbeeTools } from '../../radios/zigbee-tools-api.js';
import type { BridgeContext } from './request-module.js';
import { deviceOf } from './refs.js';

export function zigbeeTools(context: BridgeContext): ZigbeeTools {
  const tools = context.radios.running('zigbee').zigbee;
  if (tools === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'the Zigbee radio has no network tools');
  return tools;
}

/** The device's record; COMMAND_INVALID when it is not a Zigbee device. */
export function zigbeeDeviceOf(context: BridgeContext, ref: string) {
  const record = deviceOf(context, ref);
  if (record.radio !== 'zigbee')
    throw new HearthError(ErrorCode.CommandInvalid, `${record.friendlyName} is a ${record.radio} device, not a Zigbee device`);
  return record;
}
