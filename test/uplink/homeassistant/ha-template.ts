/**
 * Home Assistant's MQTT templates as it renders them, on nunjucks (close to Jinja), and what each
 * platform does with the result. HA's semantics, from homeassistant/helpers/template.py and the
 * MQTT platforms: `value` is the payload, `value_json` the payload parsed as JSON and undefined
 * when it is no JSON; a missing attribute is Undefined, which logs a warning when rendered
 * ("'dict object' has no attribute 'x'") and raises when looked into (`value_json.x` with no
 * `value_json` is an error); `| default(d)` replaces only Undefined; JSON true/false/null render
 * as Python's `True`/`False`/`None`. Here every such warning or error throws.
 */
import nunjucks from 'nunjucks';
import { checkDiscovery } from './ha-schema.js';

/** A JSON value as Python has it: `str()` of it is what a template renders. */
class Py {
  constructor(readonly json: unknown) {}
  toString(): string {
    return this.json === null ? 'None' : this.json === true ? 'True' : 'False';
  }
  toJSON(): unknown {
    return this.json;
  }
}

/** `value_json` when the payload is no JSON: testing it for definedness is fine, anything else fails as HA's Undefined does. */
const NO_JSON = new Proxy(
  {},
  {
    get(_target, key) {
      if (key === 'toJSON' || typeof key === 'symbol') return undefined;
      throw new Error(`template error: 'value_json' is undefined (looked up ${String(key)})`);
    },
  },
);

function pythonic(value: unknown): unknown {
  if (value === null || typeof value === 'boolean') return new Py(value);
  if (Array.isArray(value)) return value.map(pythonic);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pythonic(v)]));
  return value;
}

// addTest is in nunjucks 3 (lib/environment.js), not in its typings
const env = new nunjucks.Environment(undefined, { autoescape: false, throwOnUndefined: true }) as nunjucks.Environment & {
  addTest(name: string, test: (value: unknown) => boolean): void;
};
env.addTest('defined', (value: unknown) => value !== undefined && value !== NO_JSON);
// Jinja's `none` test (JSON null, Python's None); nunjucks reads `none` as its own null literal, so templates are given `is py_none`
env.addTest('py_none', (value: unknown) => value instanceof Py && value.json === null);
const jinjaTests = (template: string): string => template.replace(/\bis (not )?none\b/g, 'is $1py_none');
env.addFilter('default', (value: unknown, fallback: unknown) => (value === undefined || value === NO_JSON ? fallback : value));
// HA's to_json is Python's json.dumps
env.addFilter('to_json', (value: unknown) => JSON.stringify(value, null, 0).replaceAll('":', '": ').replaceAll(',"', ', "'));

/** Renders a template against a payload as HA's `async_render_with_possible_json_value` does; throws where HA would log. */
export function renderTemplate(template: string, payload: string): string {
  let valueJson: unknown = NO_JSON;
  try {
    valueJson = pythonic(JSON.parse(payload));
  } catch {
    // no JSON: value_json stays undefined
  }
  try {
    return env.renderString(jinjaTests(template), { value: payload, value_json: valueJson });
  } catch (error) {
    throw new Error(`${String(error)}\n  template: ${template}\n  payload: ${payload}`);
  }
}

/** Renders a command template as HA's MqttCommandTemplate does: `value` is the payload the entity sends (a switch's payload_on/off). */
export function renderCommandTemplate(template: string, value: string): string {
  try {
    return env.renderString(jinjaTests(template), { value });
  } catch (error) {
    throw new Error(`${String(error)}\n  command template: ${template}\n  value: ${value}`);
  }
}

const isNumber = (text: string): boolean => text.trim() !== '' && Number.isFinite(Number(text));

/**
 * What the platform logs (a warning or an error) for a message on its state topic, or undefined
 * when it takes it quietly: the rendered template is checked as homeassistant/components/mqtt/<platform>.py
 * reads it (`None` is unknown everywhere but in an enum sensor; a select refuses `''` and any other value not an option,
 * a numeric sensor or a number a value that is no number, a JSON light a message without `state`).
 */
export function complaintOf(component: string, config: Record<string, unknown>, payload: string): string | undefined {
  const template = typeof config.value_template === 'string' ? config.value_template : '{{ value }}';
  if (component === 'light') {
    let state: Record<string, unknown>;
    try {
      state = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return `the JSON light cannot parse ${JSON.stringify(payload)}`;
    }
    if (!('state' in state)) return `the JSON light reads "state" from ${payload}`;
    if (!['ON', 'OFF', null].includes(state.state as string | null)) return `the JSON light's state is ${String(state.state)}`;
    const modes = (config.supported_color_modes as string[] | undefined) ?? [];
    if ('color_mode' in state && !modes.includes(String(state.color_mode)))
      return `color mode ${String(state.color_mode)} is not supported`;
    return undefined;
  }
  let out: string;
  try {
    out = renderTemplate(template, payload);
  } catch (error) {
    return String(error);
  }
  // an enum sensor takes whatever renders as its state (sensor.py: no None there), and refuses what is not an option
  if (component === 'sensor' && config.device_class === 'enum')
    return (config.options as string[]).includes(out) ? undefined : `enum sensor: ${out} is not an option`;
  if (out === 'None') return undefined;
  switch (component) {
    case 'sensor': {
      const numeric = config.state_class !== undefined || config.unit_of_measurement !== undefined || config.device_class !== undefined;
      return numeric && out !== '' && !isNumber(out) ? `sensor: ${out} is no number` : undefined;
    }
    case 'number':
      return isNumber(out) ? undefined : `number: ${out} is no number`;
    case 'select':
      return (config.options as string[]).includes(out) ? undefined : `Invalid option: '${out}'`;
    case 'switch':
      return [config.state_on ?? config.payload_on ?? 'ON', config.state_off ?? config.payload_off ?? 'OFF'].includes(out)
        ? undefined
        : `switch: no match for ${out}`;
    case 'binary_sensor':
      return [config.payload_on ?? 'ON', config.payload_off ?? 'OFF'].includes(out) ? undefined : `binary sensor: no match for ${out}`;
    case 'event': {
      if (out.trim() === '') return undefined;
      const event = JSON.parse(out) as { event_type?: string };
      return (config.event_types as string[]).includes(String(event.event_type)) ? undefined : `unknown event type in ${out}`;
    }
    case 'update': {
      // update.py: a rendered JSON object sets installed_version/latest_version (strings), 2024.11+ in_progress and update_percentage
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(out) as Record<string, unknown>;
      } catch {
        return `update: ${out} is no JSON`;
      }
      if (typeof json.installed_version !== 'string' || typeof json.latest_version !== 'string') return `update: versions in ${out}`;
      if (typeof json.in_progress !== 'boolean') return `update: in_progress in ${out}`;
      return json.update_percentage === null || typeof json.update_percentage === 'number'
        ? undefined
        : `update: update_percentage in ${out}`;
    }
    default:
      return undefined;
  }
}

/** Every complaint Home Assistant would log for the retained messages on the topics the configs name. */
export function complaints(configs: Map<string, string>, topics: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [topic, payload] of configs) {
    if (payload === '' || !topic.endsWith('/config')) continue;
    const { component, config } = checkDiscovery(topic, payload);
    const state = typeof config.state_topic === 'string' ? topics.get(config.state_topic) : undefined;
    if (state !== undefined && state !== '') {
      const complaint = complaintOf(component, config, state);
      if (complaint !== undefined) out.push(`${topic}: ${complaint}`);
    }
    for (const { topic: availabilityTopic, value_template } of (config.availability as { topic: string; value_template: string }[]) ?? []) {
      const availability = topics.get(availabilityTopic);
      if (availability === undefined) continue;
      const complaint = complaintOf('availability', { value_template }, availability);
      if (complaint !== undefined) out.push(`${topic} (availability ${availabilityTopic}): ${complaint}`);
    }
  }
  return out;
}
