/**
 * The shape of a local rule (`rules:` in the config, and `bridge/request/rule/add|update`): a
 * trigger, optional conditions and a list of actions. The same schema checks both sources, so a
 * rule refused over MQTT is refused in the config file with the same message at its path.
 * Which devices and attributes a rule names is checked against the registry when it is loaded
 * (src/rules/rule-check.ts); this file checks only the shape.
 */
import { z } from 'zod';
import { mqttTextOnly } from './schema-helpers.js';

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const COMPARISONS = ['==', '!=', '>', '>=', '<', '<='] as const;
export type Comparison = (typeof COMPARISONS)[number];

const MAX_TEXT = 256;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time of day as HH:MM (00:00-23:59)' });
const device = z
  .string({ error: 'expected a device friendly name or id' })
  .min(1, { error: 'expected a device friendly name or id' })
  .max(MAX_TEXT);
const attribute = z
  .string({ error: 'expected a state attribute such as state or temperature' })
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected a state attribute such as state or temperature' });
const scalar = z.union([z.string().max(MAX_TEXT), z.number(), z.boolean(), z.null()], {
  error: 'expected a string, number, boolean or null',
});
const seconds = (max: number) =>
  z
    .number({ error: `expected seconds 0-${max}` })
    .min(0, { error: `expected seconds 0-${max}` })
    .max(max);

/** `attribute op value` on a device's state. */
const stateTest = {
  device,
  attribute,
  op: z.enum(COMPARISONS, { error: `expected one of ${COMPARISONS.join(' ')}` }).default('=='),
  value: scalar,
};

function oneOf(keys: readonly string[], what: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const present = keys.filter((key) => value[key] !== undefined);
    if (present.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one ${what} of ${keys.join(', ')}${present.length > 1 ? ` (got ${present.join(' and ')})` : ''}`,
      });
  };
}

export const ruleTrigger = z
  .strictObject({
    /** A device's report: fires when the test becomes true (an `action`-like event fires on every match). */
    device: device.optional(),
    attribute: attribute.optional(),
    op: stateTest.op.optional(),
    value: scalar.optional(),
    hysteresis: z.number().min(0, { error: 'expected a hysteresis >= 0' }).optional(),
    /** The device went offline or came back online. */
    availability: z.enum(['online', 'offline'], { error: 'expected online or offline' }).optional(),
    /** Every day at this time (the hub's time zone). */
    at: hhmm.optional(),
    /** Every so many seconds. */
    every_s: z.int({ error: 'expected whole seconds 1-86400' }).min(1).max(86_400).optional(),
  })
  .superRefine((trigger, ctx) => {
    if (trigger.at !== undefined || trigger.every_s !== undefined) {
      oneOf(['at', 'every_s'], 'time trigger')(trigger, ctx);
      if (trigger.device !== undefined) ctx.addIssue({ code: 'custom', message: 'a time trigger names no device' });
      return;
    }
    if (trigger.device === undefined) {
      ctx.addIssue({ code: 'custom', path: ['device'], message: 'expected the device whose report triggers the rule (or at / every_s)' });
      return;
    }
    if (trigger.availability !== undefined) {
      if (trigger.attribute !== undefined) ctx.addIssue({ code: 'custom', message: 'an availability trigger takes no attribute' });
      return;
    }
    if (trigger.attribute === undefined) ctx.addIssue({ code: 'custom', path: ['attribute'], message: 'expected the attribute to test' });
    if (trigger.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'expected the value to compare with' });
    const op = trigger.op ?? '==';
    if (trigger.hysteresis !== undefined && (op === '==' || op === '!=' || typeof trigger.value !== 'number'))
      ctx.addIssue({ code: 'custom', path: ['hysteresis'], message: 'a hysteresis needs a number and one of > >= < <=' });
    if ((op === '>' || op === '>=' || op === '<' || op === '<=') && typeof trigger.value !== 'number')
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${op} compares numbers: expected a number` });
  });

export const ruleCondition = z
  .strictObject({
    device: device.optional(),
    attribute: attribute.optional(),
    op: stateTest.op.optional(),
    value: scalar.optional(),
    /** Between these times of day (the window may wrap past midnight). */
    after: hhmm.optional(),
    before: hhmm.optional(),
    /** A room: whether any light or switch in it is on. */
    room: z.string().min(1).max(MAX_TEXT).optional(),
    any_on: z.boolean().optional(),
  })
  .superRefine((condition, ctx) => {
    const kinds = [
      condition.device !== undefined ? 'device' : undefined,
      condition.after !== undefined || condition.before !== undefined ? 'after/before' : undefined,
      condition.room !== undefined ? 'room' : undefined,
    ].filter((kind) => kind !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one condition of device, after/before, room${kinds.length > 1 ? ` (got ${kinds.join(' and ')})` : ''}`,
      });
      return;
    }
    if (condition.device !== undefined && (condition.attribute === undefined || condition.value === undefined))
      ctx.addIssue({ code: 'custom', message: 'a device condition needs attribute and value' });
    if (kinds[0] === 'after/before' && (condition.after === undefined || condition.before === undefined))
      ctx.addIssue({ code: 'custom', message: 'a time window needs both after and before' });
    if (condition.room !== undefined && condition.any_on === undefined)
      ctx.addIssue({ code: 'custom', path: ['any_on'], message: 'a room condition needs any_on: true or false' });
  });

const command = z.record(z.string().max(64), z.unknown(), { error: 'expected a command object such as {"state":"ON"}' });

export const ruleAction = z
  .strictObject({
    /** A command to a device, through the same validated path as `<device>/set`. */
    device: device.optional(),
    set: command.optional(),
    /** Then, this many seconds after the last firing, the revert command (a retriggerable timer). */
    revert_after_s: seconds(86_400).optional(),
    revert: command.optional(),
    /** Wait before the next action. */
    delay_s: seconds(86_400).optional(),
    /** An MQTT message under the hub's base topic, queued in the outbox like every other. */
    publish: z
      .strictObject({
        topic: z
          .string()
          .regex(/^[^#+]{1,200}$/, { error: 'expected a topic under the base topic, 1-200 characters, no # or +' })
          .superRefine(mqttTextOnly),
        payload: z.union([z.string().max(4096), z.record(z.string(), z.unknown())]),
        retain: z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((action, ctx) => {
    oneOf(['device', 'delay_s', 'publish'], 'action')(action, ctx);
    if (action.device !== undefined && action.set === undefined)
      ctx.addIssue({ code: 'custom', path: ['set'], message: 'expected the command to send' });
    if ((action.revert_after_s === undefined) !== (action.revert === undefined))
      ctx.addIssue({ code: 'custom', message: 'revert_after_s and revert go together' });
    if (action.device === undefined && (action.set !== undefined || action.revert !== undefined))
      ctx.addIssue({ code: 'custom', path: ['device'], message: 'expected the device the command is for' });
  });

export const ruleDefinition = z.strictObject({
  id: z.string().regex(RULE_ID_PATTERN, { error: 'expected a rule id of 1-64 characters a-z 0-9 _ -, starting with a letter or digit' }),
  description: z.string().max(MAX_TEXT).optional(),
  enabled: z.boolean().default(true),
  trigger: ruleTrigger,
  conditions: z.array(ruleCondition).max(20).default([]),
  actions: z.array(ruleAction).min(1, { error: 'expected at least one action' }).max(20),
});

export type RuleDefinition = z.output<typeof ruleDefinition>;
export type RuleDefinitionInput = z.input<typeof ruleDefinition>;
export type RuleTrigger = z.output<typeof ruleTrigger>;
export type RuleCondition = z.output<typeof ruleCondition>;
export type RuleAction = z.output<typeof ruleAction>;

export const rules = z
  .array(ruleDefinition)
  .max(10_000)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `rule id ${rule.id} is used twice` });
      seen.add(rule.id);
    });
  })
  .describe('Local rules: a trigger, conditions and actions that run on the hub, with or without the broker (README, Local rules).');

export const ruleSettings = z
  .strictObject({
    maxFiringsPerS: z
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe('A rule firing more often than this in one second is suspended (a loop) with a rule_suspended event.'),
    timeZone: z
      .string()
      .min(1)
      .optional()
      .describe("IANA time zone of the rules' times of day (at, after/before); the system's when unset."),
  })
  .prefault({})
  .describe('How local rules run.');
