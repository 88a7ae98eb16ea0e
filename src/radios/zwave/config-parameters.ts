/**
 * Configuration CC values as named settings. Each parameter (from zwave-js's config database,
 * or from the Configuration CC's own discovery on a device without a config file) becomes a
 * feature keyed by its label in snake case (`led_indicator`), with `category: config` (Home
 * Assistant's entity category), its label as name, unit and range: a number; a select when
 * it only takes named values; a switch when those are exactly a disable/enable pair. Also the
 * parameter's description as plain data (bridge requests), and the lookup of a parameter by
 * number or label.
 */
import { CommandClasses, type ConfigurationMetadata, type ValueID } from '@zwave-js/core';
import { ACCESS_GET, ACCESS_SET, ACCESS_STATE, type Feature } from '../../model/capabilities.js';
import { ErrorCode, HearthError } from '../../errors.js';
import { boundedText } from '../../bounded-text.js';
import type { ConfigParameter, ParameterRef } from '../zwave-tools.js';
import type { NodeValue, ValueBinding } from './value-mapping.js';

/** State keys the value mapping gives other values: a parameter never takes one of them. */
const TAKEN = new Set(['state', 'brightness', 'battery', 'battery_low', 'contact', 'occupancy', 'action', 'power', 'energy']);

export function isConfigValue(id: ValueID): boolean {
  return id.commandClass === CommandClasses.Configuration && typeof id.property === 'number';
}

/** `LED Indicator (on/off)` → `led_indicator_on_off`. */
export function snakeCase(label: string): string {
  return label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
}

/** The parameter's state key: its label in snake case, or `parameter_<n>[_<bitmask>]`. */
export function parameterProperty(id: ValueID, metadata: ConfigurationMetadata): string {
  const numbered = `parameter_${String(id.property)}${id.propertyKey === undefined ? '' : `_0x${Number(id.propertyKey).toString(16)}`}`;
  const named = metadata.label === undefined ? '' : snakeCase(metadata.label);
  if (named === '' || TAKEN.has(named) || /^\d/.test(named)) return numbered;
  return named;
}

type Shape = { kind: 'number' } | { kind: 'select'; states: Map<number, string> } | { kind: 'switch'; off: number; on: number };

function shapeOf(metadata: ConfigurationMetadata): Shape {
  const entries = Object.entries(metadata.states ?? {}).map(([value, label]) => [Number(value), label] as const);
  if (entries.length === 0 || metadata.allowManualEntry !== false) return { kind: 'number' };
  const states = new Map(entries);
  const [first, second] = entries;
  if (entries.length === 2 && first !== undefined && second !== undefined) {
    const off = [first, second].find(([, label]) => /\b(disabled?|off)\b/i.test(label));
    const on = [first, second].find(([, label]) => /\b(enabled?|on)\b/i.test(label));
    if (off !== undefined && on !== undefined && off !== on) return { kind: 'switch', off: off[0], on: on[0] };
  }
  return { kind: 'select', states };
}

/** The binding of one Configuration CC value: read into its named key, written from it. */
export function configBinding({ id, metadata: raw }: NodeValue): ValueBinding | undefined {
  const metadata = raw as ConfigurationMetadata;
  if (!metadata.readable && !metadata.writeable) return undefined;
  const property = parameterProperty(id, metadata);
  const access = (metadata.readable ? ACCESS_STATE | ACCESS_GET : 0) | (metadata.writeable ? ACCESS_SET : 0);
  const shape = shapeOf(metadata);
  const base = { name: property, property, access, category: 'config' as const };
  let feature: Feature;
  let read: (value: unknown) => unknown;
  let write: (value: unknown) => unknown;
  if (shape.kind === 'switch') {
    feature = { ...base, type: 'binary', value_on: true, value_off: false };
    read = (value) => (value === shape.on ? true : value === shape.off ? false : undefined);
    write = (value) => (value === true ? shape.on : shape.off);
  } else if (shape.kind === 'select') {
    const labels = [...shape.states.values()];
    feature = { ...base, type: 'enum', values: labels };
    read = (value) => (typeof value === 'number' ? (shape.states.get(value) ?? value) : undefined);
    write = (value) => [...shape.states].find(([, label]) => label === value)?.[0];
  } else {
    feature = { ...base, type: 'numeric' };
    if (metadata.min !== undefined) feature.value_min = metadata.min;
    if (metadata.max !== undefined) feature.value_max = metadata.max;
    if (metadata.unit !== undefined && metadata.unit !== '') feature.unit = metadata.unit;
    read = (value) => (typeof value === 'number' ? value : undefined);
    write = (value) => value;
  }
  feature.label = metadata.label ?? `Parameter ${String(id.property)}`;
  if (metadata.description !== undefined && metadata.description !== '') feature.description = metadata.description;
  return {
    valueId: id,
    read: (value) => {
      const state = read(value);
      return state === undefined ? {} : { [property]: state };
    },
    ...(metadata.writeable
      ? { writes: { keys: [property], toZWave: (command: Record<string, unknown>) => write(command[property]) } }
      : {}),
    features: [feature],
  };
}

/** One parameter as plain data, with its current value. */
export function describeParameter(value: NodeValue, current: unknown): ConfigParameter {
  const { id } = value;
  const metadata = value.metadata as ConfigurationMetadata;
  const out: ConfigParameter = {
    parameter: Number(id.property),
    endpoint: id.endpoint ?? 0,
    property: parameterProperty(id, metadata),
    read_only: metadata.writeable === false,
    write_only: metadata.readable === false,
    manual_entry: metadata.allowManualEntry !== false || metadata.states === undefined || Object.keys(metadata.states).length === 0,
    value: current ?? null,
  };
  if (id.propertyKey !== undefined) out.bitmask = Number(id.propertyKey);
  if (metadata.label !== undefined) out.label = metadata.label;
  if (metadata.description !== undefined && metadata.description !== '') out.description = metadata.description;
  if (metadata.unit !== undefined && metadata.unit !== '') out.unit = metadata.unit;
  if (metadata.min !== undefined) out.min = metadata.min;
  if (metadata.max !== undefined) out.max = metadata.max;
  if (metadata.default !== undefined) out.default = metadata.default;
  if (metadata.states !== undefined && Object.keys(metadata.states).length > 0) out.states = { ...metadata.states };
  if (metadata.valueSize !== undefined) out.value_size = metadata.valueSize;
  return out;
}

const quotedName = (name: string): string => JSON.stringify(boundedText(name, 80));

const squeezed = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** The parameter `ref` names (number, label or state key); CONFIG_PARAMETER_NOT_FOUND listing what there is. */
export function findParameter(deviceId: string, values: readonly NodeValue[], ref: ParameterRef, bitmask?: number): NodeValue {
  const params = values.filter((value) => isConfigValue(value.id));
  const matches = params.filter((value) => {
    const { id } = value;
    const metadata = value.metadata as ConfigurationMetadata;
    if (bitmask !== undefined && Number(id.propertyKey) !== bitmask) return false;
    if (typeof ref === 'number') return id.property === ref;
    const wanted = squeezed(ref);
    return (metadata.label !== undefined && squeezed(metadata.label) === wanted) || parameterProperty(id, metadata) === ref;
  });
  const [match] = matches;
  if (match !== undefined && matches.length === 1) return match;
  const known = params
    .slice(0, 20)
    .map((value) => `${String(value.id.property)} ${(value.metadata as ConfigurationMetadata).label ?? ''}`.trim())
    .join(', ');
  const what = typeof ref === 'number' ? `parameter ${ref}` : `a parameter labelled ${quotedName(ref)}`;
  if (matches.length > 1)
    throw new HearthError(ErrorCode.ConfigParameterNotFound, `${deviceId}: ${what} has partial values: name one by its bitmask`);
  throw new HearthError(
    ErrorCode.ConfigParameterNotFound,
    `${deviceId}: no ${what}${bitmask === undefined ? '' : ` with bitmask ${bitmask}`} (it has ${known === '' ? 'none' : known})`,
  );
}

/** The Z-Wave value `value` stands for (a number, or one of the named values); CONFIG_VALUE_OUT_OF_RANGE naming what it allows. */
export function parameterValue(deviceId: string, param: ConfigParameter, value: number | string): number {
  const name = `${param.label ?? 'parameter'} (parameter ${param.parameter}${param.bitmask === undefined ? '' : `, bitmask ${param.bitmask}`})`;
  if (param.read_only) throw new HearthError(ErrorCode.ConfigValueOutOfRange, `${deviceId}: ${name} is read-only`);
  const states = Object.entries(param.states ?? {});
  const named = typeof value === 'string' ? states.find(([, label]) => label === value) : undefined;
  const number = named !== undefined ? Number(named[0]) : value;
  const manual = param.manual_entry;
  const allowed = [
    manual && (param.min !== undefined || param.max !== undefined)
      ? `${param.min ?? '…'} to ${param.max ?? '…'}${param.unit ? ` ${param.unit}` : ''}`
      : '',
    states.length > 0 ? `one of ${states.map(([v, label]) => `${v} (${quotedName(label)})`).join(', ')}` : '',
  ]
    .filter((part) => part !== '')
    .join(', or ');
  const inRange =
    typeof number === 'number' &&
    Number.isInteger(number) &&
    (named !== undefined ||
      (manual && (param.min === undefined || number >= param.min) && (param.max === undefined || number <= param.max)));
  if (!inRange)
    throw new HearthError(
      ErrorCode.ConfigValueOutOfRange,
      `${deviceId}: ${name} allows ${allowed === '' ? 'an integer' : allowed}, got ${typeof value === 'number' ? value : quotedName(value.slice(0, 40))}`,
    );
  return number;
}
