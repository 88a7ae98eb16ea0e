/**
 * Z-Wave node care: ping, refresh values, re-interview, remove or replace a failed node,
 * rebuild routes (one node, or the network with `zwave_rebuild_routes` events), the lifeline
 * health check, node statistics, the network map (`zwave/networkmap`: each node's neighbours
 * from the controller's routing table and its last working routes, with the hub's friendly
 * names), and the controller's NVM restore.
 */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../../errors.js';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { zwaveDevice, zwaveTools } from './zwave-refs.js';

const onDevice = z.object({ device: deviceRef });
/** An NVM backup is 16 kB to 512 kB; base64 makes it a third larger. */
const MAX_NVM_BASE64 = 1_000_000;

export const zwaveNodeRequests = defineRequests({
  'zwave/node/ping': {
    schema: onDevice,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, alive: await zwaveTools(context).ping(device.id) };
    },
  },
  'zwave/node/refresh': {
    schema: onDevice,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      await zwaveTools(context).refreshValues(device.id);
      return { device: device.friendly_name };
    },
  },
  'zwave/node/reinterview': {
    schema: onDevice,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      await zwaveTools(context).reinterview(device.id);
      return { device: device.friendly_name };
    },
  },
  'zwave/node/remove_failed': {
    schema: onDevice,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      await zwaveTools(context).removeFailed(device.id);
      return { device: device.friendly_name, removed: true };
    },
  },
  'zwave/node/replace_failed': {
    schema: onDevice,
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, replaced: await zwaveTools(context).replaceFailed(device.id) };
    },
  },
  'zwave/node/rebuild_routes': {
    schema: z.object({ device: deviceRef.optional() }),
    handle: async (request, context) => {
      const tools = zwaveTools(context);
      if (request.device === undefined) return { nodes: await tools.rebuildRoutes() };
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, rebuilt: await tools.rebuildNodeRoutes(device.id) };
    },
  },
  'zwave/node/health_check': {
    schema: z.object({ device: deviceRef, rounds: z.int().min(1).max(10).optional() }),
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, ...(await zwaveTools(context).lifelineHealth(device.id, request.rounds ?? 1)) };
    },
  },
  'zwave/node/statistics': {
    schema: z.object({ device: deviceRef.optional() }),
    handle: (request, context) => {
      const tools = zwaveTools(context);
      if (request.device === undefined) return { nodes: tools.allStatistics() };
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, statistics: tools.statistics(device.id) };
    },
  },
  'zwave/networkmap': {
    schema: z.object({}),
    handle: async (_request, context) => {
      const map = await zwaveTools(context).networkMap();
      const nodes = map.nodes.map((node) => {
        const name = context.devices.device(node.id)?.friendlyName;
        return { ...node, friendly_name: name ?? (node.type === 'Controller' ? 'Controller' : `node ${node.node_id}`) };
      });
      return { nodes, links: map.links };
    },
  },
  'zwave/nvm/restore': {
    // a 700-series NVM (48 KiB) is 64 KiB in base64: over the default uplink.maxPayloadBytes
    maxPayloadBytes: MAX_NVM_BASE64 + 4096,
    schema: z.object({
      nvm: z.string({ error: "expected the NVM backup, base64 (bridge/request/backup's zwave.nvm)" }).max(MAX_NVM_BASE64),
    }),
    handle: async (request, context) => {
      const data = Buffer.from(request.nvm, 'base64');
      if (data.byteLength === 0 || data.toString('base64') !== request.nvm.replace(/\s+/g, ''))
        throw new HearthError(ErrorCode.PayloadInvalid, 'zwave/nvm/restore: nvm is not base64');
      await zwaveTools(context).restoreNVM(data);
      return { restored: true, bytes: data.byteLength };
    },
  },
});
