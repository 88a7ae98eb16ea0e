/**
 * Z-Wave configuration parameters by number or label: `zwave/config/get` (one, read from the
 * device, or all of them as known) and `zwave/config/set` (range-checked first:
 * CONFIG_VALUE_OUT_OF_RANGE names what the parameter allows).
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { bitmask, parameterRef, zwaveDevice, zwaveTools } from './zwave-refs.js';

export const zwaveConfigRequests = defineRequests({
  'zwave/config/get': {
    schema: z.object({ device: deviceRef, parameter: parameterRef.optional(), bitmask }),
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      const tools = zwaveTools(context);
      if (request.parameter === undefined) return { device: device.friendly_name, parameters: tools.configParameters(device.id) };
      return { device: device.friendly_name, parameter: await tools.configGet(device.id, request.parameter, request.bitmask) };
    },
  },
  'zwave/config/set': {
    schema: z.object({
      device: deviceRef,
      parameter: parameterRef,
      bitmask,
      value: z.union([z.number(), z.string().max(200)], { error: 'expected the value: a number or one of its named values' }),
    }),
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      const parameter = await zwaveTools(context).configSet(device.id, request.parameter, request.value, request.bitmask);
      return { device: device.friendly_name, parameter };
    },
  },
});
