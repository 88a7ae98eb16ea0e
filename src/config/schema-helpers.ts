/** Small building blocks of the config schema (./schema.ts and its parts): ranges, secrets, keys. */
import { z } from 'zod';
import { describeForbidden, forbiddenCharacter } from '../model/mqtt-text.js';

/** An integer within [min, max]; one message for every way of missing it. */
export function intRange(min: number, max: number) {
  const error = `expected an integer ${min}-${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A value that must never appear in a log line or an error message. */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true });
}

export const hexKey = z
  .string({ error: 'expected a 16-byte key as 32 hex digits' })
  .regex(/^(0x)?[0-9a-fA-F]{32}$/, { error: 'expected a 16-byte key as 32 hex digits' });

/** A topic (or its prefix) must be text MQTT carries: Mosquitto drops a client for the characters mqtt-text.ts lists. */
export function mqttTextOnly(topic: string, ctx: z.RefinementCtx): void {
  const found = forbiddenCharacter(topic);
  if (found !== undefined)
    ctx.addIssue({
      code: 'custom',
      input: topic,
      message: `expected a topic MQTT carries: ${describeForbidden(topic, found)} is not allowed`,
    });
}
