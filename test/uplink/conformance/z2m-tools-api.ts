/**
 * Zigbee2MQTT's response shapes for binds, the network map, configure, interview and device
 * options, written as zod schemas from its lib/types/api.ts (Koenkk/zigbee2mqtt,
 * `Zigbee2MQTTAPI["bridge/response/…"]` and `Zigbee2MQTTNetworkMap`), strict where api.ts
 * lists every field. A response is `{"data":…,"status":"ok"}` (utils.getResponse) plus the
 * echoed transaction.
 */
import { z } from 'zod';

const endpointKey = z.union([z.string(), z.number()]);

/** `bridge/response/device/bind` and `…/unbind` (identical). */
export const bindResponse = z.strictObject({
  from: z.string(),
  from_endpoint: endpointKey,
  to: z.union([z.string(), z.number()]),
  to_endpoint: endpointKey.optional(),
  clusters: z.array(z.string()),
  failed: z.array(z.string()),
});

/** herdsman's RoutingTableEntry (zspec/zdo/definition/tstypes), as Zigbee2MQTT copies it into a link's routes. */
const routingTableEntry = z.strictObject({
  destinationAddress: z.number(),
  status: z.string(),
  memoryConstrained: z.number(),
  manyToOne: z.number(),
  routeRecordRequired: z.number(),
  reserved1: z.number(),
  nextHopAddress: z.number(),
});

export const networkMap = z.strictObject({
  nodes: z.array(
    z.strictObject({
      ieeeAddr: z.string(),
      friendlyName: z.string(),
      type: z.string(),
      networkAddress: z.number(),
      manufacturerName: z.string().optional(),
      modelID: z.string().optional(),
      failed: z.array(z.string()).optional(),
      lastSeen: z.number().optional(),
      definition: z.strictObject({ model: z.string(), vendor: z.string(), supports: z.string(), description: z.string() }).optional(),
    }),
  ),
  links: z.array(
    z.strictObject({
      source: z.strictObject({ ieeeAddr: z.string(), networkAddress: z.number() }),
      target: z.strictObject({ ieeeAddr: z.string(), networkAddress: z.number() }),
      deviceType: z.number(),
      rxOnWhenIdle: z.number(),
      relationship: z.number(),
      permitJoining: z.number(),
      depth: z.number(),
      lqi: z.number(),
      routes: z.array(routingTableEntry),
      linkquality: z.number(),
      sourceIeeeAddr: z.string(),
      targetIeeeAddr: z.string(),
      sourceNwkAddr: z.number(),
    }),
  ),
});

export const networkMapResponse = z.union([
  z.strictObject({ type: z.literal('raw'), routes: z.boolean(), value: networkMap }),
  z.strictObject({ type: z.enum(['graphviz', 'plantuml']), routes: z.boolean(), value: z.string() }),
]);

export const configureResponse = z.strictObject({ id: z.union([z.string(), z.number()]) });
export const interviewResponse = configureResponse;

/** `bridge/response/device/options`: api.ts's fields; hearth adds its own `options` (debounceMs, …), so not strict. */
export const deviceOptionsResponse = z.looseObject({
  id: z.string(),
  from: z.record(z.string(), z.unknown()),
  to: z.record(z.string(), z.unknown()),
  restart_required: z.boolean(),
});

/** The envelope every answer comes in. */
export function okResponse<T extends z.ZodType>(data: T) {
  return z.object({ status: z.literal('ok'), data, transaction: z.unknown().optional() });
}

/** `bridge/response/device/ota_update/check` (and `…/check/downgrade`), api.ts. */
export const otaCheckResponse = z.strictObject({
  id: z.string(),
  update_available: z.boolean(),
  downgrade: z.boolean().optional(),
  source: z.string().optional(),
  release_notes: z.string().optional(),
});

const otaFirmware = z.strictObject({
  file_version: z.number(),
  software_build_id: z.string().optional(),
  date_code: z.string().optional(),
});

/** `bridge/response/device/ota_update/update`, api.ts (`from`/`to` may be undefined there; an answer of a finished update has both). */
export const otaUpdateResponse = z.strictObject({ id: z.string(), from: otaFirmware.optional(), to: otaFirmware.optional() });

/** The `update` of a device's state, as otaUpdate.ts's UpdatePayload. */
export const otaUpdateState = z.strictObject({
  state: z.enum(['updating', 'idle', 'available', 'scheduled']),
  installed_version: z.number().nullable(),
  latest_version: z.number().nullable(),
  latest_source: z.string().nullable(),
  latest_release_notes: z.string().nullable(),
  progress: z.number().optional(),
  remaining: z.number().optional(),
});
