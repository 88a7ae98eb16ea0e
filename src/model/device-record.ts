/**
 * What the registry keeps of a device (the document part of the device model): its stable id,
 * its friendly name, its radio and what is known of the hardware, plus per-device options.
 * Capabilities come from the radio (a converter definition, a Z-Wave node's values, a board
 * profile) and are kept here only when the radio cannot rebuild them. Last state, last seen
 * and availability live in the state store, not here.
 */
import { z } from 'zod';
import type { Capability } from './capabilities.js';

export const deviceRecordSchema = z.object({
  id: z.string().min(1),
  friendlyName: z.string().min(1).max(128),
  radio: z.enum(['zigbee', 'zwave', 'gpio']),
  model: z.string().optional(),
  vendor: z.string().optional(),
  firmware: z.string().optional(),
  capabilities: z.array(z.looseObject({ type: z.string() })).optional(),
  options: z
    .object({
      debounceMs: z.int().min(0).max(600_000).optional(),
      throttleMs: z.int().min(0).max(600_000).optional(),
      /** Publish this device's state retained (default true). */
      retain: z.boolean().optional(),
    })
    .optional(),
});

export type DeviceRecord = Omit<z.infer<typeof deviceRecordSchema>, 'capabilities'> & { capabilities?: Capability[] };
