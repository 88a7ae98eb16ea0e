/**
 * What a rule names, checked against the hub's devices and rooms: every device it names must
 * exist and have the attribute it tests (once its capabilities are known; a device still being
 * interviewed has none yet and is taken at its word), and every command goes through the
 * device's own validation when it runs. Problems carry their path (`rules.2.trigger.device`).
 */
import type { RuleDefinition } from '../config/rules-schema.js';
import { flattenCapabilities } from '../model/capabilities.js';
import type { DeviceRecord } from '../model/device-record.js';
import { boundedText } from '../bounded-text.js';

export interface RuleLookup {
  resolve(ref: string): DeviceRecord | undefined;
  /** Whether a room of that name or id exists. */
  hasRoom(ref: string): boolean;
}

/** A checked rule: its problems, and the device id of every device it names (by the name it was given). */
export interface CheckedRule {
  problems: string[];
  devices: Map<string, string>;
}

/** Attributes a device reports beside its capabilities (the hub's own). */
const ALWAYS = new Set(['availability', 'last_seen', 'linkquality', 'action']);

function quoted(text: string): string {
  return JSON.stringify(boundedText(text, 80));
}

export function checkRule(rule: RuleDefinition, path: string, lookup: RuleLookup): CheckedRule {
  const problems: string[] = [];
  const devices = new Map<string, string>();
  const device = (ref: string, where: string, attribute?: string): void => {
    const record = lookup.resolve(ref);
    if (record === undefined) {
      problems.push(`${path}.${where}.device: no device named or with id ${quoted(ref)}`);
      return;
    }
    devices.set(ref, record.id);
    if (attribute === undefined || ALWAYS.has(attribute)) return;
    const known = flattenCapabilities(record.capabilities ?? []).map((feature) => feature.property);
    if (known.length > 0 && !known.includes(attribute))
      problems.push(
        `${path}.${where}.attribute: ${record.friendlyName} has no attribute ${quoted(attribute)} (it has ${boundedText(known.join(', '), 200)})`,
      );
  };
  const { trigger } = rule;
  if (trigger.device !== undefined) device(trigger.device, 'trigger', trigger.availability === undefined ? trigger.attribute : undefined);
  rule.conditions.forEach((condition, index) => {
    if (condition.device !== undefined) device(condition.device, `conditions.${index}`, condition.attribute);
    if (condition.room !== undefined && !lookup.hasRoom(condition.room))
      problems.push(`${path}.conditions.${index}.room: no room named or with id ${quoted(condition.room)}`);
  });
  rule.actions.forEach((action, index) => {
    if (action.device !== undefined) device(action.device, `actions.${index}`);
  });
  return { problems, devices };
}
