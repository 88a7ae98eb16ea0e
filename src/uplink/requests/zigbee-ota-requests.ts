/**
 * Zigbee OTA updates in Zigbee2MQTT's shape (lib/extension/otaUpdate.ts, lib/types/api.ts):
 * `device/ota_update/check` `{"id":…}` answers `{"id","update_available","downgrade","source"?,
 * "release_notes"?}`; `device/ota_update/update` `{"id":…,"image_block_request_timeout"?,
 * "image_block_response_delay"?,"default_maximum_data_size"?}` answers `{"id","from","to"}`
 * once the device runs the new image (`…/downgrade` of each goes to an older image). Images come
 * only from the hub's configured sources (`radios.zigbee.ota`): a `url` or `hex` in the request
 * would let anyone on the broker make the hub read a file or fetch an address, so both are
 * refused with a clear error. The device's `update` state shows the progress meanwhile.
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { zigbeeDeviceOf, zigbeeTools } from './zigbee-refs.js';
import type { BridgeContext } from './request-module.js';

/** A source in the request: refused (see above); null and absent mean the configured sources, as in Zigbee2MQTT. */
const refusedSource = (field: string) =>
  z
    .unknown()
    .optional()
    .refine((value) => value === undefined || value === null, {
      error: `${field} is not accepted: images come from the hub's own sources (radios.zigbee.ota.imagesDir, indexFile, onlineIndex)`,
    });

const checkSchema = z.object({ id: deviceRef, url: refusedSource('url') });

const updateSchema = z.object({
  id: deviceRef,
  url: refusedSource('url'),
  hex: refusedSource('hex'),
  image_block_request_timeout: z.int().min(1000).max(86_400_000).nullish(),
  image_block_response_delay: z.int().min(0).max(10_000).nullish(),
  default_maximum_data_size: z.int().min(10).max(100).nullish(),
});

async function check(request: z.infer<typeof checkSchema>, context: BridgeContext, downgrade: boolean) {
  const record = zigbeeDeviceOf(context, request.id);
  const result = await zigbeeTools(context).otaCheck(record.id, downgrade);
  return {
    id: request.id,
    update_available: result.updateAvailable,
    downgrade,
    ...(result.source === undefined ? {} : { source: result.source }),
    ...(result.releaseNotes === undefined ? {} : { release_notes: result.releaseNotes }),
  };
}

async function update(request: z.infer<typeof updateSchema>, context: BridgeContext, downgrade: boolean) {
  const record = zigbeeDeviceOf(context, request.id);
  const { from, to } = await zigbeeTools(context).otaUpdate(record.id, {
    downgrade,
    requestTimeoutMs: request.image_block_request_timeout ?? undefined,
    responseDelayMs: request.image_block_response_delay ?? undefined,
    maximumDataSize: request.default_maximum_data_size ?? undefined,
  });
  return { id: request.id, from, to };
}

export const zigbeeOtaRequests = defineRequests({
  'device/ota_update/check': { schema: checkSchema, handle: (request, context) => check(request, context, false) },
  'device/ota_update/check/downgrade': { schema: checkSchema, handle: (request, context) => check(request, context, true) },
  'device/ota_update/update': { schema: updateSchema, handle: (request, context) => update(request, context, false) },
  'device/ota_update/update/downgrade': { schema: updateSchema, handle: (request, context) => update(request, context, true) },
});
