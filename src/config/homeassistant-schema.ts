/** The `homeassistant` options of the config schema (./schema.ts): Home Assistant MQTT discovery. */
import { z } from 'zod';
import { intRange, mqttTextOnly } from './schema-helpers.js';

/** `2024.1` → 202401, for comparing Home Assistant versions. */
export function haVersionNumber(version: string): number {
  const [year, month] = version.split('.').map(Number);
  return (year ?? 0) * 100 + (month ?? 0);
}

export const homeassistant = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Publish Home Assistant MQTT discovery for every device (and republish when Home Assistant announces itself online).'),
    prefix: z
      .string()
      .regex(/^[^#+/]+(\/[^#+/]+)*$/, { error: 'expected a topic without wildcards (# or +) or a leading, trailing or double /' })
      .superRefine(mqttTextOnly)
      .default('homeassistant')
      .describe(
        "Home Assistant's discovery prefix: configs go to <prefix>/<component>/hearth-<hubId>/<object>/config, and <prefix>/status is watched for its birth message.",
      ),
    minVersion: z
      .string()
      .regex(/^20\d\d\.(1[0-2]|[1-9])$/, { error: 'expected a Home Assistant version YYYY.M, such as 2024.1' })
      .refine((version) => haVersionNumber(version) >= 202401, { error: 'Home Assistant before 2024.1 is not supported' })
      .default('2024.4')
      .describe(
        'The oldest Home Assistant version (YYYY.M, from 2024.1) the discovery configs must suit. Before 2024.4 lights need `color_mode: true`, which 2024.4 and later accept with a deprecation warning per light: set 2024.1 for an older Home Assistant.',
      ),
    configsAppliedMs: intRange(0, 60_000)
      .default(2000)
      .describe(
        "How long Home Assistant gets to apply new discovery configs (after the broker acknowledged them) before a renamed or removed device's old topics are cleared: until it has applied them it still reads those (Zigbee2MQTT waits 2 s).",
      ),
    publishTo: z
      .enum(['any-broker', 'embedded-broker'])
      .default('any-broker')
      .describe(
        "embedded-broker: publish discovery only while the hub runs its embedded broker (uplink.embeddedBroker), not to a broker that was already there, which Home Assistant may be reading: the demo profile does this, so that trying it leaves no devices in somebody's Home Assistant. any-broker: wherever the uplink connects.",
      ),
  })
  .prefault({})
  .describe('Home Assistant MQTT discovery.');
