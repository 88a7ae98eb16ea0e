/**
 * Zigbee2MQTT's documented payload shapes as zod schemas, written from its lib/types/api.ts
 * (Koenkk/zigbee2mqtt, read 2026-12-01): `Zigbee2MQTTDevice` (with `Zigbee2MQTTDeviceEndpoint`,
 * its bindings and configured reportings, and `Zigbee2MQTTDeviceDefinition`), `Zigbee2MQTTGroup`
 * and the `bridge/response/group/*` data. Loose objects: hearth adds fields of its own (`id`,
 * `radio`, `room`), as a client that reads Zigbee2MQTT's fields ignores. Where api.ts types a
 * field by herdsman's model (`Device["type"]`, `["powerSource"]`, `["interviewState"]`), the
 * values are herdsman's. `definition.version` and `icon` are left optional: Zigbee2MQTT fills
 * them from its own settings, and JSON drops them when undefined.
 */
import { z } from 'zod';

const endpointBinding = z.object({
  cluster: z.string(),
  target: z.union([
    z.object({ type: z.literal('endpoint'), ieee_address: z.string(), endpoint: z.number() }),
    z.object({ type: z.literal('group'), id: z.number() }),
  ]),
});
const configuredReporting = z.object({
  cluster: z.string(),
  attribute: z.union([z.string(), z.number()]),
  minimum_report_interval: z.number(),
  maximum_report_interval: z.number(),
  reportable_change: z.number(),
});
const scene = z.object({ id: z.number(), name: z.string() });
const deviceEndpoint = z.looseObject({
  name: z.string().optional(),
  bindings: z.array(endpointBinding),
  configured_reportings: z.array(configuredReporting),
  clusters: z.object({ input: z.array(z.string()), output: z.array(z.string()) }),
  scenes: z.array(scene),
});
const deviceDefinition = z.looseObject({
  source: z.enum(['native', 'generated', 'external']),
  model: z.string(),
  vendor: z.string(),
  description: z.string(),
  exposes: z.array(z.looseObject({ type: z.string() })),
  supports_ota: z.boolean(),
  options: z.array(z.looseObject({})),
  version: z.string().optional(),
  icon: z.string().optional(),
});

export const zigbee2mqttDevice = z.looseObject({
  ieee_address: z.string(),
  type: z.enum(['Coordinator', 'Router', 'EndDevice', 'Unknown', 'GreenPower']),
  network_address: z.number(),
  supported: z.boolean(),
  friendly_name: z.string(),
  disabled: z.boolean(),
  description: z.string().optional(),
  definition: deviceDefinition.optional(),
  power_source: z.string().optional(),
  software_build_id: z.string().optional(),
  date_code: z.string().optional(),
  model_id: z.string().optional(),
  interviewing: z.boolean(),
  interview_completed: z.boolean(),
  interview_state: z.enum(['PENDING', 'IN_PROGRESS', 'SUCCESSFUL', 'FAILED']),
  manufacturer: z.string().optional(),
  endpoints: z.record(z.string().regex(/^\d+$/), deviceEndpoint),
});

export const zigbee2mqttGroup = z.looseObject({
  id: z.number(),
  friendly_name: z.string(),
  description: z.string().optional(),
  scenes: z.array(scene),
  members: z.array(z.looseObject({ ieee_address: z.string(), endpoint: z.number() })),
});

const endpointKey = z.union([z.string(), z.number()]);
/** `bridge/response/<command>` data of each group request, by command. */
export const groupResponseData = {
  'group/add': z.object({ friendly_name: z.string(), id: z.number() }),
  'group/remove': z.object({ id: z.string(), force: z.boolean() }),
  'group/rename': z.object({ from: z.string(), to: z.string(), homeassistant_rename: z.boolean() }),
  'group/options': z.object({
    id: z.string(),
    from: z.record(z.string(), z.unknown()),
    to: z.record(z.string(), z.unknown()),
    restart_required: z.boolean(),
  }),
  'group/members/add': z.object({ device: z.string(), group: z.string(), endpoint: endpointKey }),
  'group/members/remove': z.object({ device: z.string(), group: z.string(), endpoint: endpointKey }),
  'group/members/remove_all': z.object({ device: z.string(), endpoint: endpointKey }),
} as const;

/** Zigbee2MQTTResponseOK: `{status: "ok", data, transaction?}`. */
export function okResponse<T extends z.ZodType>(data: T) {
  return z.object({ status: z.literal('ok'), data, transaction: z.string().optional() });
}
