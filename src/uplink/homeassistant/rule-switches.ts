/**
 * Each local rule as a Home Assistant `switch` with `entity_category: config` on the hub's own
 * device: on while the rule is enabled. Its state is read from the retained `bridge/rules` list
 * (the rule's `enabled`, rendered `True`/`False`; `None`, unknown, while the list lacks the rule),
 * and switching it publishes `{"id":…,"enabled":…}` to `bridge/request/rule/set`, the same
 * request path as every other client. Pure: the discovery part decides when to publish.
 */
import { AVAILABILITY_TEMPLATE, PAYLOAD_NONE } from './value-templates.js';
import { bridgeDevice, bridgeIdentifier, nodeIdOf, origin, type DiscoveryContext, type DiscoveryMessage } from './discovery-configs.js';

/** What discovery needs of a rule's status in `bridge/rules`. */
export interface RuleSwitchSource {
  id: string;
}

/** Rule ids are `[a-z0-9][a-z0-9_-]*` (RULE_ID_PATTERN), so one needs no quoting inside a template's string. */
function stateTemplate(id: string): string {
  const found = `{% for rule in value_json %}{% if rule.id == '${id}' %}{{ rule.enabled }}{% endif %}{% endfor %}`;
  return `{% set found %}{% if value_json is defined %}${found}{% endif %}{% endset %}{{ found if found else '${PAYLOAD_NONE}' }}`;
}

/** The rule statuses of a `rules.changed` event that discovery can name (the list is the engine's; this only narrows it). */
export function ruleSwitchSources(rules: readonly unknown[]): RuleSwitchSource[] {
  return rules.filter(
    (rule): rule is RuleSwitchSource => typeof rule === 'object' && rule !== null && typeof (rule as { id?: unknown }).id === 'string',
  );
}

export function ruleSwitchTopic(context: DiscoveryContext, id: string): string {
  return `${context.prefix}/switch/${nodeIdOf(context.hubId)}/rule_${id}/config`;
}

export function ruleSwitchDiscovery(context: DiscoveryContext, rule: RuleSwitchSource): DiscoveryMessage {
  return {
    topic: ruleSwitchTopic(context, rule.id),
    config: {
      name: `Rule ${rule.id}`,
      unique_id: `${bridgeIdentifier(context.hubId)}_rule_${rule.id}`,
      entity_category: 'config',
      icon: 'mdi:robot',
      state_topic: `${context.base}/bridge/rules`,
      value_template: stateTemplate(rule.id),
      state_on: 'True',
      state_off: 'False',
      command_topic: `${context.base}/bridge/request/rule/set`,
      command_template: `{"id": "${rule.id}", "enabled": {{ 'true' if value == 'ON' else 'false' }}}`,
      availability: [{ topic: `${context.base}/bridge/state`, value_template: AVAILABILITY_TEMPLATE }],
      device: bridgeDevice(context),
      origin: origin(context),
    },
  };
}
