/**
 * Zigbee groups on herdsman's `Group` (`controller.createGroup`): a member is an endpoint put
 * in the group with genGroups `add` (it keeps the group in its own table); a command to the
 * group is ONE group frame (`group.command`, herdsman's `sendZclFrameToGroup`), made by the
 * toZigbee converters of the members' definitions, as Zigbee2MQTT does for a group
 * (`membersDefinitions()`: every converter of every member's definition, the first that takes
 * a key wins).
 */
import type { Models } from 'zigbee-herdsman';
import type { Definition } from 'zigbee-herdsman-converters';
import { ErrorCode, HearthError } from '../../errors.js';
import type { RadioGroups } from '../radio.js';
import { defaultEndpoint, herdsmanDevice, type ZigbeeAccess } from './zigbee-access.js';

type KeyValue = Record<string, unknown>;

export function zigbeeGroups(access: ZigbeeAccess): RadioGroups {
  const groupOf = (groupId: number, create: boolean): Models.Group | undefined => {
    const controller = access.controller();
    return controller.getGroupByID(groupId) ?? (create ? controller.createGroup(groupId) : undefined);
  };
  const endpointOf = (deviceId: string, endpoint: number | undefined): Models.Endpoint => {
    const device = herdsmanDevice(access, deviceId);
    const found = endpoint === undefined ? defaultEndpoint(access.known(deviceId)?.definition, device) : device.getEndpoint(endpoint);
    if (found === undefined)
      throw new HearthError(
        ErrorCode.CommandInvalid,
        endpoint === undefined ? `${deviceId} has no endpoints yet (its interview is not done)` : `${deviceId} has no endpoint ${endpoint}`,
      );
    return found;
  };
  return {
    addMember: async (groupId, deviceId, endpoint) => {
      const target = endpointOf(deviceId, endpoint);
      await target.addToGroup(groupOf(groupId, true) as Models.Group);
      return target.ID;
    },
    removeMember: async (groupId, deviceId, endpoint) => {
      const group = groupOf(groupId, false);
      await endpointOf(deviceId, endpoint).removeFromGroup(group ?? groupId);
    },
    removeGroup: async (groupId) => {
      await groupOf(groupId, false)?.removeFromNetwork();
    },
    send: async (groupId, payload, memberIds) => {
      const group = groupOf(groupId, true) as Models.Group;
      const definitions = memberIds.flatMap((id) => access.known(id)?.definition ?? []);
      return groupSet(group, definitions, payload);
    },
  };
}

/** Zigbee2MQTT's order: `state` first unless it is OFF, then last. */
function ordered(payload: KeyValue): [string, unknown][] {
  const off = typeof payload.state === 'string' && payload.state.toLowerCase() === 'off';
  const rank = (key: string): number => (key === 'state' ? (off ? 1 : -1) : 0);
  return Object.entries(payload).sort(([a], [b]) => rank(a) - rank(b));
}

async function groupSet(group: Models.Group, definitions: Definition[], payload: KeyValue): Promise<KeyValue> {
  const converters = [...new Set(definitions.flatMap((definition) => definition.toZigbee))];
  const used = new Set<unknown>();
  const newState: KeyValue = {};
  for (const [key, value] of ordered(payload)) {
    const converter = converters.find((candidate) => (candidate.key === undefined || candidate.key.includes(key)) && candidate.convertSet);
    if (converter === undefined)
      throw new HearthError(ErrorCode.CommandInvalid, `group ${group.groupID}: no member's converters can set ${key}`);
    // one converter takes several keys at once (state and brightness): it sees the whole message
    if (used.has(converter)) continue;
    used.add(converter);
    const meta = {
      message: { ...payload },
      device: undefined,
      mapped: definitions,
      options: {},
      state: {},
      membersState: {},
      endpoint_name: undefined,
      publish: () => undefined,
      deviceExposesChanged: () => undefined,
    };
    const result = await converter.convertSet?.(group, key, value, meta);
    if (result?.state !== undefined) Object.assign(newState, result.state);
  }
  return newState;
}
