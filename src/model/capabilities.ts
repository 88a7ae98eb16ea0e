/**
 * What a device exposes, in Zigbee2MQTT's "exposes" vocabulary so that zigbee-herdsman-
 * converters' definitions map one to one: generic features (binary, numeric, enum, text,
 * composite, list) with a property, a unit or range, and access bits; and specific groups
 * (light, switch, lock, climate, fan, cover) that bundle features. Access: 1 the device
 * reports it, 2 it can be set, 4 it can be read on request.
 */

export const ACCESS_STATE = 1;
export const ACCESS_SET = 2;
export const ACCESS_GET = 4;

interface FeatureBase {
  name: string;
  property: string;
  access: number;
  label?: string;
  description?: string;
  /** For devices with several endpoints (a double switch's l1/l2). */
  endpoint?: string;
}

export interface BinaryFeature extends FeatureBase {
  type: 'binary';
  value_on: string | boolean | number;
  value_off: string | boolean | number;
  value_toggle?: string;
}

export interface NumericFeature extends FeatureBase {
  type: 'numeric';
  unit?: string;
  value_min?: number;
  value_max?: number;
  value_step?: number;
  /** Named values (`"warm"` for color_temp 454); a preset may lie outside the range. */
  presets?: { name: string; value: number; description?: string }[];
}

export interface EnumFeature extends FeatureBase {
  type: 'enum';
  values: (string | number)[];
}

export interface TextFeature extends FeatureBase {
  type: 'text';
}

export interface CompositeFeature extends FeatureBase {
  type: 'composite';
  features: Feature[];
}

export interface ListFeature extends FeatureBase {
  type: 'list';
  item_type?: Feature;
  length_min?: number;
  length_max?: number;
}

export type Feature = BinaryFeature | NumericFeature | EnumFeature | TextFeature | CompositeFeature | ListFeature;

export interface SpecificCapability {
  type: 'light' | 'switch' | 'lock' | 'climate' | 'fan' | 'cover';
  features: Feature[];
  endpoint?: string;
}

export type Capability = Feature | SpecificCapability;

function isSpecific(capability: Capability): capability is SpecificCapability {
  return !('property' in capability);
}

/** Every top-level feature, with the ones inside light/switch/… groups lifted out. */
export function flattenCapabilities(capabilities: readonly Capability[]): Feature[] {
  const out: Feature[] = [];
  for (const capability of capabilities) {
    if (isSpecific(capability)) out.push(...capability.features);
    else out.push(capability);
  }
  return out;
}

/** A device with firmware updates has an `update` composite (Zigbee2MQTT's shape): Home Assistant's `update` entity and `supports_ota` follow it. */
export function hasFirmwareUpdate(capabilities: readonly Capability[]): boolean {
  return capabilities.some((capability) => 'property' in capability && capability.property === 'update' && capability.type === 'composite');
}

/** Properties that are events (a button press), never state to keep. */
export const TRANSIENT_PROPERTIES: ReadonlySet<string> = new Set([
  'action',
  'action_group',
  'action_rate',
  'action_step_size',
  'action_transition_time',
  'action_duration',
  'click',
]);

export function isTransient(property: string): boolean {
  return TRANSIENT_PROPERTIES.has(property);
}
