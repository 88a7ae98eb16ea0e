/**
 * Home Assistant's MQTT discovery schemas for the components hearth publishes, per range of
 * Home Assistant versions, written from its source (homeassistant/components/mqtt/<platform>.py
 * and light/schema_json.py: each platform's voluptuous DISCOVERY_SCHEMA, its required keys,
 * inclusion groups and validators; the device classes and units of sensor/const.py):
 *
 * - `2024.1` (2024.1-2024.3): a JSON light's `color_mode` and `supported_color_modes` are one
 *   inclusion group (`vol.Inclusive(..., "color_mode")`): one without the other is refused
 *   ("some but not all values in the same group of inclusion 'color_mode'");
 * - `current` (2025.3 and later; 2024.4-2025.2 the same for these payloads): `color_mode` is
 *   deprecated, then removed (`cv.removed(CONF_COLOR_MODE, raise_if_present=False)`): a light
 *   with it is set up, with a warning in the log each time its config is read, which counts as
 *   a failure here; `min_kelvin`/`max_kelvin`/`color_temp_kelvin` exist.
 *
 * Stricter than Home Assistant in one way: its discovery schemas drop a key they do not know
 * (`extra=vol.REMOVE_EXTRA`) where this one fails it, since a dropped key is a mistake of ours.
 * Nested blocks (device, availability, origin) refuse unknown keys in Home Assistant as here.
 */
import { z } from 'zod';

const availability = z.strictObject({
  topic: z.string().min(1),
  value_template: z.string().optional(),
  payload_available: z.string().optional(),
  payload_not_available: z.string().optional(),
});

const device = z.strictObject({
  identifiers: z.array(z.string().min(1)).min(1),
  name: z.string().min(1),
  model: z.string().optional(),
  manufacturer: z.string().optional(),
  sw_version: z.string().optional(),
  hw_version: z.string().optional(),
  via_device: z.string().optional(),
  suggested_area: z.string().optional(),
  connections: z.array(z.tuple([z.string(), z.string()])).optional(),
});

const origin = z.strictObject({ name: z.string().min(1), sw_version: z.string().optional(), support_url: z.string().optional() });

/** Keys every MQTT entity accepts. */
const entity = {
  name: z.string().nullable().optional(),
  unique_id: z.string().min(1),
  availability: z.array(availability).optional(),
  availability_mode: z.enum(['all', 'any', 'latest']).optional(),
  availability_topic: z.string().optional(),
  device,
  origin: origin.optional(),
  entity_category: z.enum(['config', 'diagnostic']).optional(),
  enabled_by_default: z.boolean().optional(),
  icon: z.string().optional(),
  json_attributes_topic: z.string().optional(),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
};

/** Units Home Assistant accepts per sensor device class (the ones hearth can emit). */
export const SENSOR_UNITS: Record<string, string[]> = {
  temperature: ['°C', '°F', 'K'],
  humidity: ['%'],
  illuminance: ['lx'],
  power: ['W', 'kW', 'mW', 'MW', 'GW', 'TW', 'BTU/h'],
  energy: ['J', 'kJ', 'MJ', 'GJ', 'mWh', 'Wh', 'kWh', 'MWh', 'GWh', 'TWh', 'cal', 'kcal', 'Mcal', 'Gcal'],
  battery: ['%'],
  voltage: ['V', 'mV', 'µV', 'kV', 'MV'],
  current: ['A', 'mA'],
  atmospheric_pressure: ['cbar', 'bar', 'hPa', 'mmHg', 'inHg', 'kPa', 'mbar', 'Pa', 'psi'],
  carbon_dioxide: ['ppm'],
  pm25: ['µg/m³'],
};

const sensorClasses = [
  ...Object.keys(SENSOR_UNITS),
  'enum',
  'timestamp',
  'date',
  'duration',
  'signal_strength',
  'frequency',
  'gas',
  'water',
  'weight',
  'speed',
  'distance',
] as const;

export const sensorSchema = z
  .strictObject({
    ...entity,
    state_topic: z.string().min(1),
    value_template: z.string().optional(),
    device_class: z.enum(sensorClasses).optional(),
    unit_of_measurement: z.string().optional(),
    state_class: z.enum(['measurement', 'total', 'total_increasing']).optional(),
    options: z.array(z.string()).optional(),
    suggested_display_precision: z.int().optional(),
    expire_after: z.int().optional(),
  })
  .check((ctx) => {
    const config = ctx.value;
    if (
      config.device_class === 'enum' &&
      (config.state_class !== undefined || config.unit_of_measurement !== undefined || config.options === undefined)
    ) {
      ctx.issues.push({ code: 'custom', message: 'an enum sensor has options and neither state class nor unit', input: config });
    }
    const units = config.device_class === undefined ? undefined : SENSOR_UNITS[config.device_class];
    if (units !== undefined && (config.unit_of_measurement === undefined || !units.includes(config.unit_of_measurement))) {
      ctx.issues.push({
        code: 'custom',
        message: `unit ${config.unit_of_measurement} is not one of ${config.device_class}'s: ${units.join(' ')}`,
        input: config,
      });
    }
  });

export const binarySensorSchema = z.strictObject({
  ...entity,
  state_topic: z.string().min(1),
  value_template: z.string().optional(),
  payload_on: z.string().optional(),
  payload_off: z.string().optional(),
  device_class: z
    .enum([
      'battery',
      'battery_charging',
      'carbon_monoxide',
      'cold',
      'connectivity',
      'door',
      'garage_door',
      'gas',
      'heat',
      'light',
      'lock',
      'moisture',
      'motion',
      'moving',
      'occupancy',
      'opening',
      'plug',
      'power',
      'presence',
      'problem',
      'running',
      'safety',
      'smoke',
      'sound',
      'tamper',
      'update',
      'vibration',
      'window',
    ])
    .optional(),
  off_delay: z.int().optional(),
  expire_after: z.int().optional(),
});

export const switchSchema = z.strictObject({
  ...entity,
  command_topic: z.string().min(1),
  command_template: z.string().optional(),
  state_topic: z.string().optional(),
  value_template: z.string().optional(),
  payload_on: z.string().optional(),
  payload_off: z.string().optional(),
  state_on: z.string().optional(),
  state_off: z.string().optional(),
  device_class: z.enum(['outlet', 'switch']).optional(),
  optimistic: z.boolean().optional(),
});

const colorModes = ['onoff', 'brightness', 'color_temp', 'hs', 'xy', 'rgb', 'rgbw', 'rgbww', 'white'] as const;

/** The light platform's JSON schema, in one range of versions. */
const lightSchema = (version: HaVersion) =>
  z
    .strictObject({
      ...entity,
      ...(version === '2024.1'
        ? { color_mode: z.boolean().optional() }
        : {
            // cv.removed(CONF_COLOR_MODE, raise_if_present=False): set up all the same, with a warning in the log
            color_mode: z
              .never({ error: 'color_mode was deprecated in 2024.4 and removed in 2025.3: Home Assistant logs a warning for it' })
              .optional(),
            min_kelvin: z.int().min(1).optional(),
            max_kelvin: z.int().min(1).optional(),
            color_temp_kelvin: z.boolean().optional(),
          }),
      schema: z.literal('json'),
      command_topic: z.string().min(1),
      state_topic: z.string().optional(),
      brightness: z.boolean().optional(),
      brightness_scale: z.int().min(1).optional(),
      supported_color_modes: z.array(z.enum(colorModes)).min(1).optional(),
      min_mireds: z.int().min(1).optional(),
      max_mireds: z.int().min(1).optional(),
      effect: z.boolean().optional(),
      effect_list: z.array(z.string()).optional(),
      flash: z.boolean().optional(),
      transition: z.boolean().optional(),
      optimistic: z.boolean().optional(),
    })
    .check((ctx) => {
      const config = ctx.value;
      // 2024.1: vol.Inclusive(CONF_COLOR_MODE, "color_mode") and vol.Inclusive(CONF_SUPPORTED_COLOR_MODES, "color_mode")
      if (version === '2024.1' && (config.color_mode === undefined) !== (config.supported_color_modes === undefined))
        ctx.issues.push({ code: 'custom', message: "some but not all values in the same group of inclusion 'color_mode'", input: config });
      const modes = ctx.value.supported_color_modes ?? [];
      // Home Assistant: onoff and brightness are valid only alone
      if ((modes.includes('onoff') || modes.includes('brightness')) && modes.length > 1)
        ctx.issues.push({ code: 'custom', message: 'onoff/brightness must be the only color mode', input: modes });
      const { min_mireds: min, max_mireds: max } = ctx.value;
      if (min !== undefined && max !== undefined && min >= max)
        ctx.issues.push({ code: 'custom', message: 'min_mireds must be below max_mireds', input: ctx.value });
    });

export const eventSchema = z.strictObject({
  ...entity,
  state_topic: z.string().min(1),
  event_types: z.array(z.string().min(1)).min(1),
  value_template: z.string().optional(),
  device_class: z.enum(['button', 'doorbell', 'motion']).optional(),
});

export const numberSchema = z
  .strictObject({
    ...entity,
    command_topic: z.string().min(1),
    state_topic: z.string().optional(),
    value_template: z.string().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().positive().optional(),
    unit_of_measurement: z.string().optional(),
    mode: z.enum(['auto', 'box', 'slider']).optional(),
  })
  // validate_config: min below max (the defaults are 1 and 100)
  .check((ctx) => {
    if ((ctx.value.min ?? 1) >= (ctx.value.max ?? 100))
      ctx.issues.push({ code: 'custom', message: "'max' must be > 'min'", input: ctx.value });
  });

export const selectSchema = z.strictObject({
  ...entity,
  command_topic: z.string().min(1),
  options: z.array(z.string()).min(1),
  state_topic: z.string().optional(),
  value_template: z.string().optional(),
});

/** The button platform: a command topic and the payload a press sends. */
export const buttonSchema = z.strictObject({
  ...entity,
  command_topic: z.string().min(1),
  command_template: z.string().optional(),
  payload_press: z.string().optional(),
  device_class: z.enum(['identify', 'restart', 'update']).nullable().optional(),
  retain: z.boolean().optional(),
});

/** The update platform (mqtt/update.py: MQTT_RO_SCHEMA plus the install command, device class `firmware`). */
export const updateSchema = z.strictObject({
  ...entity,
  state_topic: z.string().min(1),
  value_template: z.string().optional(),
  command_topic: z.string().min(1).optional(),
  payload_install: z.string().optional(),
  latest_version_topic: z.string().optional(),
  latest_version_template: z.string().optional(),
  device_class: z.enum(['firmware']).nullable().optional(),
  entity_picture: z.string().optional(),
  release_summary: z.string().optional(),
  release_url: z.string().optional(),
  title: z.string().optional(),
  retain: z.boolean().optional(),
});

/** The ranges of Home Assistant versions whose rules differ for what hearth publishes. */
export const HA_VERSIONS = ['2024.1', 'current'] as const;
export type HaVersion = (typeof HA_VERSIONS)[number];

export const schemasFor = (version: HaVersion): Record<string, z.ZodType> => ({
  sensor: sensorSchema,
  binary_sensor: binarySensorSchema,
  switch: switchSchema,
  light: lightSchema(version),
  event: eventSchema,
  number: numberSchema,
  select: selectSchema,
  button: buttonSchema,
  update: updateSchema,
});

/** A discovery topic: `<prefix>/<component>/<node_id>/<object_id>/config`, ids of [a-zA-Z0-9_-]. */
const TOPIC = /^([^/]+)\/([a-z_]+)\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/config$/;

/** Checks one discovery message against the component's schema; returns its component and config. */
export function checkDiscovery(
  topic: string,
  payload: string,
  version: HaVersion = 'current',
): { component: string; nodeId: string; objectId: string; config: Record<string, unknown> } {
  const match = TOPIC.exec(topic);
  if (match === null) throw new Error(`not a discovery topic: ${topic}`);
  const [, , component, nodeId, objectId] = match as unknown as [string, string, string, string, string];
  const schema = schemasFor(version)[component];
  if (schema === undefined) throw new Error(`no schema for component ${component} (${topic})`);
  const parsed = schema.safeParse(JSON.parse(payload));
  if (!parsed.success)
    throw new Error(`${topic} does not fit Home Assistant ${version}'s ${component} schema: ${z.prettifyError(parsed.error)}\n${payload}`);
  return { component, nodeId, objectId, config: JSON.parse(payload) as Record<string, unknown> };
}

/** The value template hearth publishes for one attribute (`value_json.x`): `None` (unknown) when the state lacks it or is no JSON. */
export const tpl = (key: string): string => `{{ ${key} | default('None') if value_json is defined else 'None' }}`;
