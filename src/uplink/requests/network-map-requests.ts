/**
 * `bridge/request/networkmap` in Zigbee2MQTT's shape (`{"type":"raw"|"graphviz"|"plantuml","routes":bool}`):
 * the Zigbee radio scans each router's neighbour (and routing) table; the answer is the raw
 * map (nodes and links, Zigbee2MQTTNetworkMap) or its graphviz / plantuml text
 * (network-map-format.ts). Nodes carry the hub's friendly names.
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { zigbeeTools } from './zigbee-refs.js';
import { graphviz, plantuml, rawMap } from './network-map-format.js';

export const networkMapRequests = defineRequests({
  networkmap: {
    schema: z.object({
      type: z.enum(['raw', 'graphviz', 'plantuml'], { error: 'expected type raw, graphviz or plantuml' }),
      routes: z.boolean({ error: 'expected routes true or false' }).optional(),
    }),
    handle: async (request, context) => {
      const routes = request.routes ?? false;
      const scanned = await zigbeeTools(context).networkMap(routes);
      const map = rawMap(scanned, (id) => (id === undefined ? undefined : context.devices.device(id)?.friendlyName));
      const value = request.type === 'raw' ? map : request.type === 'graphviz' ? graphviz(map) : plantuml(map);
      return { type: request.type, routes, value };
    },
  },
});
