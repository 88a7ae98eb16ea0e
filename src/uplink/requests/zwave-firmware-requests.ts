/**
 * Z-Wave device firmware updates: `zwave/firmware_update` from a file under
 * `radios.zwave.firmware.folder`, a base64 image (with the file name that tells its format), or
 * a `version` zwave-js's online firmware update service offers (only when it is enabled);
 * `zwave/firmware_update/check` asks that service what it offers. The answer comes when the
 * device reported the end; `zwave_firmware_update` events and the device's `update` state
 * show the progress meanwhile.
 */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../../errors.js';
import { defineRequests } from './request-module.js';
import { deviceRef } from './refs.js';
import { zwaveDevice, zwaveTools } from './zwave-refs.js';

/** A file name inside the firmware folder: text without control characters (the folder check itself is the radio's). */
const fileName = z
  .string()
  .min(1)
  .max(1024)
  .refine((name) => ![...name].some((char) => char < ' ' || char === '\u007f'), {
    error: 'expected a file name without control characters',
  });

/** radios.zwave.firmware.maxBytes is at most 16 MiB; base64 makes it a third larger. */
const MAX_BASE64 = 22_369_624;

export const zwaveFirmwareRequests = defineRequests({
  'zwave/firmware_update': {
    schema: z.object({
      device: deviceRef,
      file: fileName.optional(),
      data: z.string({ error: 'expected the firmware image, base64' }).max(MAX_BASE64).optional(),
      filename: fileName.optional(),
      version: z.string().min(1).max(64).optional(),
      target: z.int().min(0).max(255).optional(),
    }),
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      const tools = zwaveTools(context);
      const given = [request.file, request.data, request.version].filter((value) => value !== undefined).length;
      if (given !== 1)
        throw new HearthError(
          ErrorCode.PayloadInvalid,
          'zwave/firmware_update: give exactly one of file (a file in radios.zwave.firmware.folder), data (base64, with filename) or version (from the firmware update service)',
        );
      if (request.version !== undefined)
        return { device: device.friendly_name, ...(await tools.updateFirmwareFromService(device.id, request.version)) };
      if (request.data !== undefined && request.filename === undefined)
        throw new HearthError(
          ErrorCode.PayloadInvalid,
          'zwave/firmware_update: data needs its filename (firmware.hex, …): the name tells the format',
        );
      const source = request.file !== undefined ? { file: request.file } : { data: request.data ?? '', filename: request.filename ?? '' };
      return { device: device.friendly_name, ...(await tools.updateFirmware(device.id, source, request.target)) };
    },
  },
  'zwave/firmware_update/check': {
    schema: z.object({ device: deviceRef }),
    handle: async (request, context) => {
      const device = zwaveDevice(context, request.device);
      return { device: device.friendly_name, updates: await zwaveTools(context).availableFirmware(device.id) };
    },
  },
});
