/**
 * Z-Wave associations: `zwave/associations/get` (groups with labels, max nodes and members),
 * `add` and `remove` (targets by node id, with an endpoint for Multi Channel Association), and
 * `zwave/associations/lifeline` (is the controller in the lifeline group; `repair` puts it there).
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { endpoint, zwaveDevice, zwaveTools } from './zwave-refs.js';

const targets = z
  .array(z.strictObject({ node_id: z.int().min(1).max(4000), endpoint }), { error: 'expected targets: [{"node_id": 1}]' })
  .min(1)
  .max(64);
const change = z.object({ device: deviceRef, group: z.int().min(1).max(255), targets, endpoint });

export const zwaveAssociationRequests = defineRequests({
  'zwave/associations/get': {
    schema: z.object({ device: deviceRef, endpoint }),
    handle: (request, context) => {
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, groups: zwaveTools(context).associations(device.id, request.endpoint) };
    },
  },
  'zwave/associations/add': {
    schema: change,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      const groups = await zwaveTools(context).addAssociations(device.id, request.group, request.targets, request.endpoint);
      return { device: device.friendly_name, groups };
    },
  },
  'zwave/associations/remove': {
    schema: change,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      const groups = await zwaveTools(context).removeAssociations(device.id, request.group, request.targets, request.endpoint);
      return { device: device.friendly_name, groups };
    },
  },
  'zwave/associations/lifeline': {
    schema: z.object({ device: deviceRef, repair: z.boolean().optional() }),
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, ...(await zwaveTools(context).lifeline(device.id, request.repair === true)) };
    },
  },
});
