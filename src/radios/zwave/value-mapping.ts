/**
 * Z-Wave values to the common vocabulary and back. A node's values (zwave-js value ids and
 * their metadata after the interview) become capabilities and state keys:
 *
 * - Binary Switch `currentValue` → `state` ON/OFF (set through `targetValue`);
 * - Multilevel Switch `currentValue` 0-99 → `state` + `brightness` 0-254 (set through
 *   `targetValue`; ON restores the last level, 255 in Z-Wave);
 * - Multilevel Sensor → `temperature`, `humidity`, `illuminance`, `power`, … by sensor type;
 * - Notification: door/window state → `contact` (true when closed, as Zigbee2MQTT has it),
 *   motion → `occupancy`;
 * - Battery `level` → `battery`, `isLow` → `battery_low`;
 * - Meter (electric) → `energy` kWh, `power` W, `voltage` V, `current` A;
 * - Central Scene → `action` (`<scene>_single`, `_double`, `_hold`, `_release`, …), an event.
 *
 * - Configuration parameters → named settings (config-parameters.ts).
 *
 * Every other value a user could care about stays visible under its zwave-js value id
 * (`<cc>-<endpoint>-<property>[-<propertyKey>]`), typed from its metadata. A property on a
 * second endpoint gets the endpoint as suffix (`state_2`), as Zigbee2MQTT's `state_l2`.
 */
import { CommandClasses, type ValueID, type ValueMetadata } from '@zwave-js/core';
import { ACCESS_GET, ACCESS_SET, ACCESS_STATE, type Capability, type Feature } from '../../model/capabilities.js';
import { configBinding, isConfigValue } from './config-parameters.js';

/** How one zwave-js value maps: the state keys it produces, and how a set becomes a value. */
export interface ValueBinding {
  valueId: ValueID;
  /** Readable → state. */
  read?: (value: unknown) => Record<string, unknown>;
  /** The state keys that set this value, and the Z-Wave value for a command. */
  writes?: {
    keys: string[];
    toZWave: (command: Record<string, unknown>, current: (key: string) => unknown) => unknown;
    /** The value a set goes to when it is not this one (a switch's `targetValue`). */
    target?: ValueID;
  };
  features: Feature[];
  /** The specific group (`light`, `switch`) the features belong in. */
  group?: 'light' | 'switch';
}

/** A node's value as the mapping sees it. */
export interface NodeValue {
  id: ValueID;
  metadata: ValueMetadata;
}

const SENSORS: Record<number, { property: string; unit?: string }> = {
  1: { property: 'temperature', unit: '°C' },
  3: { property: 'illuminance', unit: 'lx' },
  4: { property: 'power', unit: 'W' },
  5: { property: 'humidity', unit: '%' },
  15: { property: 'voltage', unit: 'V' },
  16: { property: 'current', unit: 'A' },
  17: { property: 'co2', unit: 'ppm' },
  27: { property: 'uv_index' },
  40: { property: 'pm25', unit: 'µg/m³' },
};

/** Electric meter scales (meter type 1). */
const ELECTRIC: Record<number, { property: string; unit: string }> = {
  0: { property: 'energy', unit: 'kWh' },
  2: { property: 'power', unit: 'W' },
  4: { property: 'voltage', unit: 'V' },
  5: { property: 'current', unit: 'A' },
};

/** Central Scene key attributes → Zigbee2MQTT-style action suffixes. */
const SCENE_ACTIONS: Record<number, string> = {
  0: 'single',
  1: 'release',
  2: 'hold',
  3: 'double',
  4: 'triple',
  5: 'quadruple',
  6: 'quintuple',
};

const DOOR_OPEN = 22;
const DOOR_CLOSED = 23;
const MOTION_DETECTED = 8;

/** Value ids of the identification and bookkeeping CCs: shown as model, vendor and firmware instead. */
const BOOKKEEPING = new Set<number>([
  CommandClasses['Manufacturer Specific'],
  CommandClasses.Version,
  CommandClasses['Z-Wave Plus Info'],
  CommandClasses.Association,
  CommandClasses['Multi Channel Association'],
  CommandClasses['Association Group Information'],
  CommandClasses['Node Naming and Location'],
  CommandClasses['Firmware Update Meta Data'],
  CommandClasses.Security,
  CommandClasses['Security 2'],
  CommandClasses.Supervision,
  CommandClasses['Transport Service'],
  CommandClasses['Device Reset Locally'],
  CommandClasses.Powerlevel,
  CommandClasses['Multi Channel'],
]);

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Z-Wave level 0-99 → brightness 0-254. */
export function levelToBrightness(level: number): number {
  return Math.round((clamp(level, 0, 99) * 254) / 99);
}

/** Brightness 0-254 → Z-Wave level 0-99 (a brightness above 0 never rounds to off). */
export function brightnessToLevel(brightness: number): number {
  const level = Math.round((clamp(brightness, 0, 254) * 99) / 254);
  return brightness > 0 ? Math.max(1, level) : 0;
}

/** The zwave-js value id as one string: `<cc>-<endpoint>-<property>[-<propertyKey>]`. */
export function valueIdKey(id: ValueID): string {
  const base = `${id.commandClass}-${id.endpoint ?? 0}-${String(id.property)}`;
  return id.propertyKey === undefined ? base : `${base}-${String(id.propertyKey)}`;
}

const stateFeature = (): Feature => ({
  type: 'binary',
  name: 'state',
  property: 'state',
  access: ACCESS_STATE | ACCESS_SET | ACCESS_GET,
  value_on: 'ON',
  value_off: 'OFF',
  value_toggle: 'TOGGLE',
});

function numeric(
  property: string,
  unit: string | undefined,
  access: number,
  range?: { min?: number | undefined; max?: number | undefined },
): Feature {
  const feature: Feature = { type: 'numeric', name: property, property, access };
  if (unit !== undefined && unit !== '') feature.unit = unit;
  if (range?.min !== undefined) feature.value_min = range.min;
  if (range?.max !== undefined) feature.value_max = range.max;
  return feature;
}

function isOn(command: Record<string, unknown>, current: (key: string) => unknown): boolean {
  const state = command.state;
  if (state === 'TOGGLE') return current('state') !== 'ON';
  return state === 'ON';
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The binding of one value, or undefined when it is not for users (bookkeeping, internal). */
export function bindValue({ id, metadata }: NodeValue): ValueBinding | undefined {
  const cc = id.commandClass;
  if (isConfigValue(id)) return configBinding({ id, metadata });
  const ccSpecific = (metadata as { ccSpecific?: Record<string, number> }).ccSpecific ?? {};
  const unit = (metadata as { unit?: string }).unit;
  if (cc === CommandClasses['Binary Switch'] && id.property === 'currentValue') {
    return {
      valueId: id,
      read: (value) => (typeof value === 'boolean' ? { state: value ? 'ON' : 'OFF' } : {}),
      writes: { keys: ['state'], toZWave: (command, current) => isOn(command, current), target: { ...id, property: 'targetValue' } },
      features: [stateFeature()],
      group: 'switch',
    };
  }
  if (cc === CommandClasses['Multilevel Switch'] && id.property === 'currentValue') {
    return {
      valueId: id,
      read: (value) => {
        const level = asNumber(value);
        return level === undefined ? {} : { state: level > 0 ? 'ON' : 'OFF', brightness: levelToBrightness(level) };
      },
      writes: {
        keys: ['state', 'brightness'],
        toZWave: (command, current) => {
          const brightness = asNumber(command.brightness);
          if (command.state === 'OFF' || brightness === 0) return 0;
          if (brightness !== undefined) return brightnessToLevel(brightness);
          return isOn(command, current) ? 255 : 0;
        },
        target: { ...id, property: 'targetValue' },
      },
      features: [stateFeature(), numeric('brightness', undefined, ACCESS_STATE | ACCESS_SET | ACCESS_GET, { min: 0, max: 254 })],
      group: 'light',
    };
  }
  if (cc === CommandClasses['Multilevel Sensor']) {
    const sensor = SENSORS[ccSpecific.sensorType ?? -1];
    if (sensor !== undefined) {
      const property = sensor.property;
      return {
        valueId: id,
        read: (value) => (asNumber(value) === undefined ? {} : { [property]: value }),
        features: [numeric(property, unit ?? sensor.unit, ACCESS_STATE | ACCESS_GET)],
      };
    }
  }
  if (cc === CommandClasses.Meter && id.property === 'value' && ccSpecific.meterType === 1) {
    const scale = ELECTRIC[ccSpecific.scale ?? -1];
    if (scale !== undefined) {
      const property = scale.property;
      return {
        valueId: id,
        read: (value) => (asNumber(value) === undefined ? {} : { [property]: value }),
        features: [numeric(property, scale.unit, ACCESS_STATE | ACCESS_GET)],
      };
    }
  }
  if (
    cc === CommandClasses.Notification &&
    id.property === 'Access Control' &&
    (id.propertyKey === 'Door state' || id.propertyKey === 'Door state (simple)')
  ) {
    return {
      valueId: id,
      read: (value) => (value === DOOR_OPEN ? { contact: false } : value === DOOR_CLOSED ? { contact: true } : {}),
      features: [
        {
          type: 'binary',
          name: 'contact',
          property: 'contact',
          access: ACCESS_STATE,
          value_on: true,
          value_off: false,
          description: 'true when closed',
        },
      ],
    };
  }
  if (cc === CommandClasses.Notification && id.property === 'Home Security' && id.propertyKey === 'Motion sensor status') {
    return {
      valueId: id,
      read: (value) => (typeof value === 'number' ? { occupancy: value === MOTION_DETECTED } : {}),
      features: [{ type: 'binary', name: 'occupancy', property: 'occupancy', access: ACCESS_STATE, value_on: true, value_off: false }],
    };
  }
  if (cc === CommandClasses.Battery && id.property === 'level') {
    return {
      valueId: id,
      read: (value) => (asNumber(value) === undefined ? {} : { battery: value }),
      features: [numeric('battery', '%', ACCESS_STATE | ACCESS_GET, { min: 0, max: 100 })],
    };
  }
  if (cc === CommandClasses.Battery && id.property === 'isLow') {
    return {
      valueId: id,
      read: (value) => (typeof value === 'boolean' ? { battery_low: value } : {}),
      features: [{ type: 'binary', name: 'battery_low', property: 'battery_low', access: ACCESS_STATE, value_on: true, value_off: false }],
    };
  }
  if (cc === CommandClasses['Central Scene'] && id.property === 'scene') {
    const scene = Number(id.propertyKey);
    const states = (metadata as { states?: Record<string, string> }).states ?? {};
    const values = Object.keys(states)
      .map((key) => SCENE_ACTIONS[Number(key)])
      .filter((suffix): suffix is string => suffix !== undefined)
      .map((suffix) => `${scene}_${suffix}`);
    return {
      valueId: id,
      read: (value) => {
        const suffix = typeof value === 'number' ? SCENE_ACTIONS[value] : undefined;
        return suffix === undefined ? {} : { action: `${scene}_${suffix}` };
      },
      features: [{ type: 'enum', name: 'action', property: 'action', access: ACCESS_STATE, values }],
    };
  }
  if (BOOKKEEPING.has(cc) || cc === CommandClasses['Binary Switch'] || cc === CommandClasses['Multilevel Switch']) return undefined;
  return rawBinding(id, metadata);
}

/**
 * What zwave-js leaves out of some values' metadata, by `<cc>-<property>`: the Wake Up interval
 * loses its label once the node's wake-up capabilities are known, and is reported all the same.
 */
const DESCRIBED: Record<
  string,
  { property: string; label: string; unit?: string; readable?: boolean; category?: 'config' | 'diagnostic' }
> = {
  [`${CommandClasses['Wake Up']}-wakeUpInterval`]: {
    property: 'wake_up_interval',
    label: 'Wake-up interval',
    unit: 's',
    readable: true,
    category: 'config',
  },
};

/** A value with no mapping, under its value id, typed from its metadata. */
function rawBinding(id: ValueID, raw: ValueMetadata): ValueBinding | undefined {
  const described = DESCRIBED[`${id.commandClass}-${String(id.property)}`];
  const metadata = { ...raw, ...(described?.readable === true ? { readable: true } : {}) };
  if (!metadata.readable && !metadata.writeable) return undefined;
  const key = described?.property ?? valueIdKey(id);
  const access = (metadata.readable ? ACCESS_STATE | ACCESS_GET : 0) | (metadata.writeable ? ACCESS_SET : 0);
  const label = described?.label ?? metadata.label;
  let feature: Feature;
  if (metadata.type === 'boolean') feature = { type: 'binary', name: key, property: key, access, value_on: true, value_off: false };
  else if (metadata.type === 'number') {
    const { min, max, unit, steps } = metadata as { min?: number; max?: number; unit?: string; steps?: number };
    feature = numeric(key, unit ?? described?.unit, access, { min, max });
    if (steps !== undefined && steps > 0) Object.assign(feature, { value_step: steps });
  } else if (metadata.type === 'string') feature = { type: 'text', name: key, property: key, access };
  else return undefined; // buffers, durations, colour tables: not in the vocabulary yet
  if (label !== undefined) feature.label = label;
  // the exposes vocabulary's category (Home Assistant's entity category)
  if (described?.category !== undefined) Object.assign(feature, { category: described.category });
  return {
    valueId: id,
    read: (value) => (value === undefined ? {} : { [key]: value }),
    ...(metadata.writeable ? { writes: { keys: [key], toZWave: (command: Record<string, unknown>) => command[key] } } : {}),
    features: [feature],
  };
}

/** A node's bindings, with the properties of a second endpoint suffixed. */
export function bindNode(values: readonly NodeValue[]): ValueBinding[] {
  const bindings = values.map(bindValue).filter((binding): binding is ValueBinding => binding !== undefined);
  bindings.sort((a, b) => (a.valueId.endpoint ?? 0) - (b.valueId.endpoint ?? 0));
  const owner = new Map<string, number>();
  return bindings.map((binding) => {
    const endpoint = binding.valueId.endpoint ?? 0;
    const properties = binding.features.map((feature) => feature.property);
    const taken = properties.some((property) => owner.has(property) && owner.get(property) !== endpoint);
    if (!taken) {
      for (const property of properties) owner.set(property, endpoint);
      return binding;
    }
    return suffixed(binding, endpoint);
  });
}

function suffixed(binding: ValueBinding, endpoint: number): ValueBinding {
  const rename = (key: string): string => `${key}_${endpoint}`;
  const renameKeys = (state: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(state).map(([key, value]) => [rename(key), value]));
  const out: ValueBinding = {
    valueId: binding.valueId,
    features: binding.features.map((feature) => ({
      ...feature,
      name: rename(feature.name),
      property: rename(feature.property),
      endpoint: String(endpoint),
    })),
  };
  if (binding.group !== undefined) out.group = binding.group;
  const read = binding.read;
  if (read !== undefined) out.read = (value) => renameKeys(read(value));
  const writes = binding.writes;
  if (writes !== undefined) {
    out.writes = {
      ...(writes.target === undefined ? {} : { target: writes.target }),
      keys: writes.keys.map(rename),
      toZWave: (command, current) =>
        writes.toZWave(
          Object.fromEntries(Object.entries(command).map(([key, value]) => [key.replace(new RegExp(`_${endpoint}$`), ''), value])),
          (key) => current(rename(key)),
        ),
    };
  }
  return out;
}

/** The capabilities of a node's bindings: grouped ones as `light`/`switch`, the rest as features. */
export function capabilitiesOf(bindings: readonly ValueBinding[]): Capability[] {
  const capabilities: Capability[] = [];
  const seen = new Set<string>();
  for (const binding of bindings) {
    const features = binding.features.filter((feature) => !seen.has(feature.property));
    for (const feature of features) seen.add(feature.property);
    if (features.length === 0) continue;
    if (binding.group !== undefined) {
      const endpoint = features[0]?.endpoint;
      capabilities.push(endpoint === undefined ? { type: binding.group, features } : { type: binding.group, features, endpoint });
    } else capabilities.push(...features);
  }
  return capabilities;
}
