/**
 * Zigbee reconfigure and interview in Zigbee2MQTT's shape: `device/configure` `{"id":…}` runs
 * the converters' definition `configure` again (binds and reporting to the hub);
 * `device/interview` `{"id":…}` interviews the device again (its definition and capabilities
 * are announced anew, and it is configured after). Both answer `{"id":…}` once done.
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { zigbeeDeviceOf, zigbeeTools } from './zigbee-refs.js';

export const zigbeeDeviceRequests = defineRequests({
  'device/configure': {
    schema: z.object({ id: deviceRef }),
    handle: async (request, context) => {
      const record = zigbeeDeviceOf(context, request.id);
      await zigbeeTools(context).configure(record.id);
      return { id: request.id };
    },
  },
  'device/interview': {
    schema: z.object({ id: deviceRef }),
    handle: async (request, context) => {
      const record = zigbeeDeviceOf(context, request.id);
      await zigbeeTools(context).interview(record.id);
      return { id: request.id };
    },
  },
});
