/**
 * Checks a command (`{"brightness": 300}`) against what the device exposes before any radio
 * is touched: every attribute must exist and be settable, every value must fit its feature
 * (on/off values, numeric range, enum values, text, composite parts, list bounds). All
 * problems are reported at once, each naming the attribute and what it allows. The result is
 * the command normalised (binary values in the device's own spelling).
 */
import { boundedText, listedProblems, NAMED_PROBLEMS, preview } from '../bounded-text.js';
import { ErrorCode, HearthError } from '../errors.js';
import { ACCESS_SET, flattenCapabilities, type Capability, type Feature } from '../model/capabilities.js';

export interface CommandProblem {
  attribute: string;
  message: string;
}

export class CommandError extends HearthError {
  constructor(
    readonly deviceId: string,
    readonly problems: CommandProblem[],
  ) {
    // the first few problems named, the rest counted: 5,000 unknown keys make no 750 kB message
    super(
      ErrorCode.CommandInvalid,
      `${deviceId}: ${listedProblems(problems.map((p) => `${boundedText(p.attribute, 100)}: ${p.message}`))}`,
    );
  }

  override toJSON(): { code: typeof ErrorCode.CommandInvalid; message: string; problems: CommandProblem[] } {
    return { code: ErrorCode.CommandInvalid, message: this.message, problems: this.problems.slice(0, NAMED_PROBLEMS) };
  }
}

function show(value: unknown): string {
  return preview(value);
}

function range(feature: { value_min?: number; value_max?: number }): string {
  const { value_min: min, value_max: max } = feature;
  if (min !== undefined && max !== undefined) return ` ${min}-${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/** Checks one value against one feature; returns the normalised value or a problem text. */
function checkValue(feature: Feature, value: unknown, path: string, problems: CommandProblem[]): unknown {
  const problem = (message: string): undefined => {
    problems.push({ attribute: path, message });
    return undefined;
  };
  switch (feature.type) {
    case 'binary': {
      const allowed = [feature.value_on, feature.value_off, ...(feature.value_toggle === undefined ? [] : [feature.value_toggle])];
      const match = allowed.find(
        (candidate) =>
          candidate === value ||
          (typeof candidate === 'string' && typeof value === 'string' && candidate.toLowerCase() === value.toLowerCase()),
      );
      return match ?? problem(`expected one of ${allowed.map(show).join(', ')}, got ${show(value)}`);
    }
    case 'numeric': {
      const preset = typeof value === 'string' ? feature.presets?.find((p) => p.name === value) : undefined;
      if (preset !== undefined) return preset.value;
      const presets =
        feature.presets === undefined || feature.presets.length === 0
          ? ''
          : ` or one of ${feature.presets.map((p) => show(p.name)).join(', ')}`;
      const expected = `expected a number${range(feature)}${feature.unit ? ` ${feature.unit}` : ''}${presets}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) return problem(`${expected}, got ${show(value)}`);
      if (
        (feature.value_min !== undefined && value < feature.value_min) ||
        (feature.value_max !== undefined && value > feature.value_max)
      ) {
        return problem(`${expected}, got ${value}`);
      }
      return value;
    }
    case 'enum':
      return feature.values.includes(value as string | number)
        ? value
        : problem(`expected one of ${feature.values.map(show).join(', ')}, got ${show(value)}`);
    case 'text':
      return typeof value === 'string' ? value : problem(`expected text, got ${show(value)}`);
    case 'composite': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return problem(`expected an object with ${feature.features.map((f) => f.property).join(', ')}, got ${show(value)}`);
      }
      const out: Record<string, unknown> = {};
      const parts = new Map(feature.features.map((f) => [f.property, f]));
      for (const [key, part] of Object.entries(value)) {
        const sub = parts.get(key);
        if (sub === undefined)
          problems.push({ attribute: `${path}.${key}`, message: `no such part (it has ${[...parts.keys()].join(', ')})` });
        else out[key] = checkValue(sub, part, `${path}.${key}`, problems);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return problem(`expected a list, got ${show(value)}`);
      if (feature.length_min !== undefined && value.length < feature.length_min)
        return problem(`expected at least ${feature.length_min} items, got ${value.length}`);
      if (feature.length_max !== undefined && value.length > feature.length_max)
        return problem(`expected at most ${feature.length_max} items, got ${value.length}`);
      const item = feature.item_type;
      return item === undefined ? value : value.map((entry, index) => checkValue(item, entry, `${path}[${index}]`, problems));
    }
  }
}

/** Validates a command payload; throws CommandError naming every problem. */
export function validateCommand(deviceId: string, capabilities: readonly Capability[], payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new CommandError(deviceId, [
      { attribute: '(payload)', message: `expected an object such as {"state": "ON"}, got ${show(payload)}` },
    ]);
  }
  const features = new Map(flattenCapabilities(capabilities).map((feature) => [feature.property, feature]));
  const problems: CommandProblem[] = [];
  const out: Record<string, unknown> = {};
  const entries = Object.entries(payload);
  if (entries.length === 0) problems.push({ attribute: '(payload)', message: 'expected at least one attribute to set' });
  for (const [attribute, value] of entries) {
    const feature = features.get(attribute);
    if (feature === undefined) {
      const settable = [...features.values()].filter((f) => (f.access & ACCESS_SET) !== 0).map((f) => f.property);
      problems.push({ attribute, message: `no such attribute (settable: ${settable.length > 0 ? settable.join(', ') : 'none'})` });
      continue;
    }
    if ((feature.access & ACCESS_SET) === 0) {
      problems.push({ attribute, message: 'read-only: the device reports it but cannot be set' });
      continue;
    }
    out[attribute] = checkValue(feature, value, attribute, problems);
  }
  if (problems.length > 0) throw new CommandError(deviceId, problems);
  return out;
}
