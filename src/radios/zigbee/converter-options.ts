/**
 * A Zigbee device's converter options, as Zigbee2MQTT's per-device options
 * (`temperature_calibration`, `transition`, `invert_cover`, …): kept in herdsman's own database
 * with the device (its `meta`), so they survive restarts and leave with the device, and handed
 * to every fromZigbee / toZigbee converter and the post-processing that applies calibration and
 * precision. Which names a device takes is its definition's `options` (and its converters').
 */
import type { Models } from 'zigbee-herdsman';
import type { Definition } from 'zigbee-herdsman-converters';
import { ErrorCode, HearthError } from '../../errors.js';
import type { ConverterOptionsChange } from '../zigbee-tools-api.js';

type KeyValue = Record<string, unknown>;

const META_KEY = 'hearthConverterOptions';
/** Bounded: options are a handful of numbers and flags. */
const MAX_OPTIONS = 32;
const MAX_VALUE_CHARS = 256;

export function converterOptions(device: Models.Device): KeyValue {
  const stored: unknown = device.meta[META_KEY];
  return typeof stored === 'object' && stored !== null ? { ...(stored as KeyValue) } : {};
}

/** The option names the definition and its converters take (Zigbee2MQTT validates device options against these). */
export function optionNames(definition: Definition | undefined): string[] {
  if (definition === undefined) return [];
  const names = new Set<string>();
  const add = (options: unknown): void => {
    const list = typeof options === 'function' ? (options as (d: Definition) => unknown)(definition) : options;
    if (!Array.isArray(list)) return;
    for (const option of list as { property?: string; name?: string }[]) {
      const name = option.property ?? option.name;
      if (typeof name === 'string') names.add(name);
    }
  };
  add(definition.options);
  for (const converter of definition.fromZigbee) add(converter.options);
  for (const converter of definition.toZigbee) add(converter.options);
  return [...names].sort();
}

/** Merges `changes` into the device's options (null removes one) after checking each name against `allowed`. */
export function mergeConverterOptions(
  device: Models.Device,
  deviceId: string,
  changes: KeyValue,
  allowed: readonly string[],
): ConverterOptionsChange {
  const from = converterOptions(device);
  const to = { ...from };
  for (const [name, value] of Object.entries(changes)) {
    if (!allowed.includes(name))
      throw new HearthError(
        ErrorCode.CommandInvalid,
        `${deviceId} has no option ${JSON.stringify(name.slice(0, 64))}; its converters take ${allowed.join(', ') || 'none'}`,
      );
    if (value === null) delete to[name];
    else if (JSON.stringify(value).length > MAX_VALUE_CHARS)
      throw new HearthError(ErrorCode.PayloadInvalid, `${deviceId}: option ${name} is longer than ${MAX_VALUE_CHARS} characters`);
    else to[name] = value;
  }
  if (Object.keys(to).length > MAX_OPTIONS)
    throw new HearthError(ErrorCode.PayloadInvalid, `${deviceId}: more than ${MAX_OPTIONS} converter options`);
  device.meta[META_KEY] = to;
  device.save();
  return { from, to };
}
