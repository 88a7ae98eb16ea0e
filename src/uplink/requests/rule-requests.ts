/**
 * Bridge requests of the local rules: rule/add and rule/update (a whole rule, checked by the
 * config's own schema and against the devices), rule/remove, rule/enable (which also ends a
 * suspension), rule/disable, and rule/set (`{"id","enabled"}`, either way: what a Home Assistant
 * rule switch sends). A rule from the config file can only be enabled or disabled.
 */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../../errors.js';
import type { RuleEngine } from '../../rules/rule-engine.js';
import { defineRequests, type BridgeContext } from './request-module.js';

const id = z.string({ error: 'expected the rule id' }).min(1, { error: 'expected the rule id' }).max(64);
const ruleId = z.object({ id });
const ruleSwitch = z.object({ id, enabled: z.boolean({ error: 'expected "enabled": true or false' }) });
/** The rule itself is checked by the book (the config's schema), so its problems read the same from both sources. */
const wholeRule = z
  .object({ rule: z.unknown() })
  .refine((request) => request.rule !== undefined, { error: 'expected the rule', path: ['rule'] });

function engine(context: BridgeContext): RuleEngine {
  if (context.rules === undefined) throw new HearthError(ErrorCode.RequestFailed, 'this hub runs no local rules');
  return context.rules;
}

function statusOf(rules: RuleEngine, id: string) {
  return rules.statuses().find((status) => status.id === id);
}

/** A change through the rule book, then the rule (re)loaded; the answer is its status. */
async function changed(context: BridgeContext, change: (rules: RuleEngine) => { id: string }) {
  const rules = engine(context);
  const { id } = change(rules);
  await rules.reload(id);
  return statusOf(rules, id);
}

export const ruleRequests = defineRequests({
  'rule/add': {
    schema: wholeRule,
    handle: (request, context) => changed(context, (rules) => rules.rules.add(request.rule)),
  },
  'rule/update': {
    schema: wholeRule,
    handle: (request, context) => changed(context, (rules) => rules.rules.update(request.rule)),
  },
  'rule/remove': {
    schema: ruleId,
    handle: async (request, context) => {
      const rules = engine(context);
      const rule = rules.rules.remove(request.id);
      await rules.reload(rule.id);
      return { id: rule.id };
    },
  },
  'rule/enable': {
    schema: ruleId,
    handle: async (request, context) => {
      const rules = engine(context);
      await rules.setEnabled(request.id, true);
      return statusOf(rules, request.id);
    },
  },
  'rule/set': {
    schema: ruleSwitch,
    handle: async (request, context) => {
      const rules = engine(context);
      await rules.setEnabled(request.id, request.enabled);
      return statusOf(rules, request.id);
    },
  },
  'rule/disable': {
    schema: ruleId,
    handle: async (request, context) => {
      const rules = engine(context);
      await rules.setEnabled(request.id, false);
      return statusOf(rules, request.id);
    },
  },
});
