/**
 * The Jinja templates and payloads of hearth's discovery configs, as Home Assistant renders
 * them (`value_json` is the state message parsed as JSON; it is undefined when the payload is
 * no JSON, as the empty retained message that clears a topic). Every template tolerates what a
 * state topic may carry without a template warning or error in Home Assistant's log: an
 * attribute the device has never reported renders `None`, which every MQTT platform hearth
 * uses reads as "unknown" (a select never gets `''`), and so does a payload that is no JSON.
 */

/** `value_json.temperature`, or `value_json['132-0-wakeUpInterval']` for a key that is no identifier. */
export function valueOf(property: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(property)
    ? `value_json.${property}`
    : `value_json[${JSON.stringify(property).replaceAll('"', "'")}]`;
}

/** What Home Assistant's MQTT platforms read as "unknown" (`PAYLOAD_NONE`). */
export const PAYLOAD_NONE = 'None';

/** The value of one attribute of a JSON state, `None` when the state lacks it or is no JSON. */
export function valueTemplate(property: string): string {
  return `{{ ${valueOf(property)} | default('${PAYLOAD_NONE}') if value_json is defined else '${PAYLOAD_NONE}' }}`;
}

/** An event entity's template: `{"event_type": …}` when the message carries the attribute, else nothing (ignored). */
export function eventTemplate(property: string): string {
  return `{% if value_json is defined and ${valueOf(property)} is defined %}{{ {"event_type": ${valueOf(property)}} | to_json }}{% endif %}`;
}

/** Availability on `bridge/state` and `<device>/availability` (`{"state":"online"}`). */
export const AVAILABILITY_TEMPLATE = valueTemplate('state');

/** A payload as Home Assistant compares it: the rendered template of a JSON value (`True` for true). */
export function rendered(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** A payload as the hub's `/set/<attribute>` reads it back (JSON when it parses, else the text). */
export function commandText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
