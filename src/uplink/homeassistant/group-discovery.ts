/**
 * Home Assistant discovery of the hub's groups, as Zigbee2MQTT discovers its groups: a group
 * whose members hold a light is a JSON light (the features every light member has), else one
 * whose members switch is a switch (groups/group-exposes.ts decides); a group with neither has
 * no entity. Its state and command topics are the group's (`<base>/<group>`, `/set`); its
 * availability is the bridge's (a group answers as long as the hub runs: each member's own
 * availability shows on the member's entities). The object id carries the group's id, so a
 * rename keeps the entity and a removal clears it.
 */
import type { GroupData } from '../../devices/groups.js';
import type { DeviceRecord } from '../../model/device-record.js';
import { groupCapabilities } from '../groups/group-exposes.js';
import { bridgeIdentifier, entitiesOf, nodeIdOf, origin, type DiscoveryContext, type DiscoveryMessage } from './discovery-configs.js';
import { AVAILABILITY_TEMPLATE } from './value-templates.js';

export function groupDiscovery(context: DiscoveryContext, group: GroupData, members: readonly DeviceRecord[]): DiscoveryMessage[] {
  const stateTopic = `${context.base}/${group.friendly_name}`;
  const key = `group_${group.id}`;
  const entities = entitiesOf(groupCapabilities(members), stateTopic, `${stateTopic}/set`, context.legacyColorMode === true).filter(
    (entity) => entity.component === 'light' || entity.component === 'switch',
  );
  return entities.slice(0, 1).map((entity) => ({
    topic: `${context.prefix}/${entity.component}/${nodeIdOf(context.hubId)}/${key}/config`,
    config: {
      ...entity.config,
      unique_id: `hearth_${context.hubId}_${key}_${entity.component}`,
      availability: [{ topic: `${context.base}/bridge/state`, value_template: AVAILABILITY_TEMPLATE }],
      availability_mode: 'all',
      device: {
        identifiers: [`hearth_${context.hubId}_${key}`],
        name: group.friendly_name,
        model: 'Group',
        manufacturer: 'hearth',
        sw_version: context.version,
        via_device: bridgeIdentifier(context.hubId),
      },
      origin: origin(context),
    },
  }));
}

/** A group discovered as a light carries `state` (null until known) in every state message, as a device light does. */
export function groupStatePlaceholders(members: readonly DeviceRecord[]): Record<string, null> {
  return groupCapabilities(members).some((capability) => !('property' in capability) && capability.type === 'light') ? { state: null } : {};
}
