/**
 * Bridge requests about the hub and its devices as a whole: permit_join, network backups,
 * device rename / remove / options, and the health check.
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { deviceOf, deviceRef } from './refs.js';

export const deviceRequests = defineRequests({
  permit_join: {
    schema: z.object({
      value: z.boolean({ error: 'expected true or false' }),
      time: z.int().min(1).max(254).optional(),
      device: deviceRef.optional(),
    }),
    handle: async (request, context) => {
      const seconds = request.value ? (request.time ?? 254) : 0;
      if (request.device === undefined) {
        await context.radios.permitJoin(seconds);
        return { value: request.value, time: seconds };
      }
      // joining through one router only (Zigbee)
      const via = deviceOf(context, request.device);
      await context.radios.permitJoin(seconds, via.id);
      return { value: request.value, time: seconds, device: via.friendlyName };
    },
  },
  'device/rename': {
    schema: z.object({ from: deviceRef, to: z.string({ error: 'expected the new friendly name' }) }),
    handle: (request, context) => {
      const record = deviceOf(context, request.from);
      const renamed = context.devices.renameDevice(record.id, request.to);
      return { id: renamed.id, from: record.friendlyName, to: renamed.friendlyName };
    },
  },
  'device/remove': {
    schema: z.object({ id: deviceRef }),
    handle: async (request, context) => {
      const record = deviceOf(context, request.id);
      await context.devices.removeDevice(record.id);
      return { id: record.id, friendly_name: record.friendlyName };
    },
  },
  'device/options': {
    schema: z.object({
      id: deviceRef,
      options: z.strictObject({
        debounce: z.number().min(0).max(600).optional(),
        throttle: z.number().min(0).max(600).optional(),
        retain: z.boolean().optional(),
      }),
    }),
    handle: (request, context) => {
      const record = deviceOf(context, request.id);
      const { debounce, throttle, retain } = request.options;
      const options: NonNullable<typeof record.options> = {};
      if (debounce !== undefined) options.debounceMs = Math.round(debounce * 1000);
      if (throttle !== undefined) options.throttleMs = Math.round(throttle * 1000);
      if (retain !== undefined) options.retain = retain;
      const updated = context.devices.setDeviceOptions(record.id, options);
      return { id: updated.id, options: updated.options };
    },
  },
  health_check: {
    schema: z.object({}),
    handle: (_request, context) => ({ healthy: true, health: context.health() }),
  },
  backup: {
    schema: z.object({ include_network_key: z.boolean({ error: 'expected true or false' }).optional() }),
    // the network key (and devices' link keys) only when asked for: every reader of the response topic gets them
    handle: (request, context) => context.radios.backup({ includeKeys: request.include_network_key === true }),
  },
});
