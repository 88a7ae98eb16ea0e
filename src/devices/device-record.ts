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

/** A friendly name: like Zigbee2MQTT's, `/` allowed (it nests topics), MQTT wildcards not. */
export function friendlyNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) return 'expected 1-128 characters';
  if (/[#+]/.test(name) || name.includes('\u0000')) return 'expected no # or + (MQTT wildcards)';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'expected no leading, trailing or double /';
  if (/^0x[0-9a-f]{16}$/i.test(name) || name === 'bridge') return 'expected a name that is not an IEEE address or "bridge"';
  return undefined;
}
