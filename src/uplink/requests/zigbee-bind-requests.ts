/**
 * Zigbee binds in Zigbee2MQTT's shape (lib/types/api.ts `bridge/request/device/bind`, `unbind`):
 * `{"from":…,"from_endpoint":…,"to":…,"to_endpoint":…,"clusters":[…]}`, answered with the
 * clusters bound and those that failed. `to` is a device (friendly name or id), a Zigbee group
 * id (a number), or `Coordinator`. The binds show in `bridge/devices` (herdsman's Endpoint.binds).
 */
import { z } from 'zod';
import type { BindRequest } from '../../radios/zigbee-tools-api.js';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { zigbeeDeviceOf, zigbeeTools } from './zigbee-refs.js';
import type { BridgeContext } from './request-module.js';

const endpointRef = z.union([z.int().min(1).max(240), z.string().min(1).max(64)], {
  error: 'expected an endpoint id (1–240) or name (or "default")',
});

const bindSchema = z.object({
  from: deviceRef,
  from_endpoint: endpointRef.optional(),
  to: z.union([deviceRef.max(200), z.int().min(0).max(0xfff7)], { error: 'expected a device, a group id, or "Coordinator"' }),
  to_endpoint: endpointRef.optional(),
  clusters: z.array(z.string().min(1).max(64), { error: 'expected a list of cluster names' }).min(1).max(32).optional(),
  skip_disable_reporting: z.boolean().optional(),
});

type BindPayload = z.infer<typeof bindSchema>;

const COORDINATOR = /^coordinator$/i;

async function run(type: 'bind' | 'unbind', payload: BindPayload, context: BridgeContext) {
  const from = zigbeeDeviceOf(context, payload.from);
  let to: BindRequest['to'];
  if (typeof payload.to === 'number') to = { group: payload.to };
  else if (COORDINATOR.test(payload.to)) to = { coordinator: true };
  else {
    const target = zigbeeDeviceOf(context, payload.to);
    to = { device: target.id, ...(payload.to_endpoint === undefined ? {} : { endpoint: payload.to_endpoint }) };
  }
  const request: BindRequest = { from: from.id, to };
  if (payload.from_endpoint !== undefined) request.fromEndpoint = payload.from_endpoint;
  if (payload.clusters !== undefined) request.clusters = payload.clusters;
  if (payload.skip_disable_reporting !== undefined) request.skipDisableReporting = payload.skip_disable_reporting;
  const tools = zigbeeTools(context);
  const result = type === 'bind' ? await tools.bind(request) : await tools.unbind(request);
  return {
    from: payload.from,
    from_endpoint: payload.from_endpoint ?? result.fromEndpoint,
    to: payload.to,
    ...(payload.to_endpoint !== undefined || result.toEndpoint !== undefined
      ? { to_endpoint: payload.to_endpoint ?? result.toEndpoint }
      : {}),
    clusters: result.clusters,
    failed: result.failed,
  };
}

export const zigbeeBindRequests = defineRequests({
  'device/bind': { schema: bindSchema, handle: (request, context) => run('bind', request, context) },
  'device/unbind': { schema: bindSchema, handle: (request, context) => run('unbind', request, context) },
});
