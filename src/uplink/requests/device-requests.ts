/**
 * Bridge requests about the hub and its devices as a whole: permit_join, network backups,
 * device rename / remove / options (hearth's own, and a Zigbee device's converter options), and
 * the health check.
 */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { ErrorCode, HearthError } from '../../errors.js';
import type { DeviceRecord } from '../../model/device-record.js';
import { deviceOf, deviceRef } from './refs.js';
import { zigbeeTools } from './zigbee-refs.js';

const MAX_OPTIONS = 32;

/** hearth's options as the request names them (seconds). */
function hearthOptions(options: DeviceRecord['options']): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  if (options?.debounceMs !== undefined) named.debounce = options.debounceMs / 1000;
  if (options?.throttleMs !== undefined) named.throttle = options.throttleMs / 1000;
  if (options?.retain !== undefined) named.retain = options.retain;
  return named;
}

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
      // hearth's own options, checked here; any other name is a converter option (Zigbee), checked by the radio
      options: z
        .looseObject({
          debounce: z.number().min(0).max(600).optional(),
          throttle: z.number().min(0).max(600).optional(),
          retain: z.boolean().optional(),
        })
        .refine((options) => Object.keys(options).length <= MAX_OPTIONS, { error: `at most ${MAX_OPTIONS} options at once` }),
    }),
    handle: async (request, context) => {
      const record = deviceOf(context, request.id);
      const { debounce, throttle, retain, ...converter } = request.options;
      const before = hearthOptions(record.options);
      let converterChange = { from: {}, to: {} };
      if (Object.keys(converter).length > 0) {
        // as Zigbee2MQTT's per-device options: they reach the device's converters (temperature_calibration, transition, …)
        if (record.radio !== 'zigbee')
          throw new HearthError(
            ErrorCode.CommandInvalid,
            `${record.friendlyName} takes only debounce, throttle and retain (converter options are for Zigbee devices)`,
          );
        converterChange = await zigbeeTools(context).setConverterOptions(record.id, converter);
      }
      const options: NonNullable<typeof record.options> = {};
      if (debounce !== undefined) options.debounceMs = Math.round(debounce * 1000);
      if (throttle !== undefined) options.throttleMs = Math.round(throttle * 1000);
      if (retain !== undefined) options.retain = retain;
      const updated = Object.keys(options).length === 0 ? record : context.devices.setDeviceOptions(record.id, options);
      return {
        id: updated.id,
        options: updated.options,
        from: { ...before, ...converterChange.from },
        to: { ...hearthOptions(updated.options), ...converterChange.to },
        restart_required: false,
      };
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
