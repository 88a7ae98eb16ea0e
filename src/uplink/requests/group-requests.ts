/**
 * Bridge requests about groups, on Zigbee2MQTT's names and shapes (lib/types/api.ts):
 * `group/add`, `group/remove`, `group/rename`, `group/options`, `group/members/add`,
 * `group/members/remove`, `group/members/remove_all`. A Zigbee member joins and leaves the
 * group on the network too (genGroups add / remove through the Zigbee radio's groups); a Z-Wave
 * or GPIO member is the hub's alone (the hub fans a group command out to it).
 */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../../errors.js';
import { GROUP_ID_MAX, groupOptionsSchema, type GroupData } from '../../devices/groups.js';
import type { DeviceRecord } from '../../model/device-record.js';
import type { RadioGroups } from '../../radios/radio.js';
import { defineRequests, type BridgeContext } from './request-module.js';
import { deviceOf, deviceRef } from './refs.js';

/** A group by friendly name or id (Zigbee2MQTT sends ids as strings or numbers). */
const groupRef = z.union([z.string().min(1), z.int().min(1).max(GROUP_ID_MAX)], { error: 'expected a group friendly name or id' });
/** `"default"` (the definition's default endpoint), or an endpoint number. */
const endpointRef = z
  .union([z.literal('default'), z.int().min(1).max(240), z.string().regex(/^\d{1,3}$/)], {
    error: 'expected an endpoint number or "default"',
  })
  .optional();

const endpointOf = (ref: string | number | undefined): number | undefined =>
  ref === undefined || ref === 'default' ? undefined : Number(ref);

function zigbeeGroups(context: BridgeContext): RadioGroups {
  const groups = context.radios.running('zigbee').groups;
  if (groups === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'the Zigbee radio has no groups');
  return groups;
}

/** Puts a device in or out of a group on its radio (Zigbee), then in the hub's list; the endpoint used (Zigbee). */
async function changeMember(context: BridgeContext, add: boolean, group: GroupData, device: DeviceRecord, endpoint: number | undefined) {
  const groups = context.devices.groups;
  if (device.radio !== 'zigbee') {
    const member = { device: device.id };
    return { changed: add ? groups.addMember(group.id, member) : groups.removeMember(group.id, member), endpoint: undefined };
  }
  const radio = zigbeeGroups(context);
  if (add) {
    const used = await radio.addMember(group.id, device.id, endpoint);
    return { changed: groups.addMember(group.id, { device: device.id, endpoint: used }), endpoint: used };
  }
  const known = group.members.find((member) => member.device === device.id && (endpoint === undefined || member.endpoint === endpoint));
  if (known === undefined)
    throw new HearthError(ErrorCode.CommandInvalid, `${device.friendlyName} is not a member of group ${group.friendly_name}`);
  await radio.removeMember(group.id, device.id, known.endpoint);
  return { changed: groups.removeMember(group.id, known), endpoint: known.endpoint };
}

const memberRequest = z.object({
  group: groupRef,
  device: deviceRef,
  endpoint: endpointRef,
  skip_disable_reporting: z.boolean().optional(),
});

export const groupRequests = defineRequests({
  'group/add': {
    schema: z.object({
      friendly_name: z.string({ error: 'expected the group friendly name' }),
      id: z
        .union([z.int().min(1).max(GROUP_ID_MAX), z.string().regex(/^\d{1,5}$/)], { error: `expected a group id 1-${GROUP_ID_MAX}` })
        .optional(),
    }),
    handle: (request, context) => {
      const id = request.id === undefined ? undefined : Number(request.id);
      if (id !== undefined && (id < 1 || id > GROUP_ID_MAX))
        throw new HearthError(ErrorCode.PayloadInvalid, `group/add: id: expected 1-${GROUP_ID_MAX}`);
      const group = context.devices.groups.add(request.friendly_name, id);
      return { friendly_name: group.friendly_name, id: group.id };
    },
  },
  'group/remove': {
    schema: z.object({ id: groupRef, force: z.boolean().optional() }),
    handle: async (request, context) => {
      const group = context.devices.groups.get(request.id);
      const force = request.force === true;
      if (group.members.some((member) => member.device.startsWith('zigbee:'))) {
        // force: out of the hub's list even when the members cannot be told (Zigbee2MQTT's `force`)
        try {
          await zigbeeGroups(context).removeGroup(group.id);
        } catch (error) {
          if (!force) throw error;
        }
      }
      context.devices.groups.remove(group.id);
      return { id: String(request.id), force };
    },
  },
  'group/rename': {
    schema: z.object({
      from: groupRef,
      to: z.string({ error: 'expected the new friendly name' }),
      homeassistant_rename: z.boolean().optional(),
    }),
    handle: (request, context) => {
      const { group, from } = context.devices.groups.rename(request.from, request.to);
      return { from, to: group.friendly_name, homeassistant_rename: request.homeassistant_rename ?? true };
    },
  },
  'group/options': {
    schema: z.object({ id: groupRef, options: groupOptionsSchema.strict() }),
    handle: (request, context) => {
      const { group, from } = context.devices.groups.setOptions(request.id, request.options);
      return { id: String(request.id), from, to: group.options ?? {}, restart_required: false };
    },
  },
  'group/members/add': {
    schema: memberRequest,
    handle: async (request, context) => {
      const group = context.devices.groups.get(request.group);
      const device = deviceOf(context, request.device);
      const { endpoint } = await changeMember(context, true, group, device, endpointOf(request.endpoint));
      return { device: request.device, group: String(request.group), endpoint: request.endpoint ?? endpoint ?? 'default' };
    },
  },
  'group/members/remove': {
    schema: memberRequest,
    handle: async (request, context) => {
      const group = context.devices.groups.get(request.group);
      const device = deviceOf(context, request.device);
      const { changed, endpoint } = await changeMember(context, false, group, device, endpointOf(request.endpoint));
      if (!changed)
        throw new HearthError(ErrorCode.CommandInvalid, `${device.friendlyName} is not a member of group ${group.friendly_name}`);
      return { device: request.device, group: String(request.group), endpoint: request.endpoint ?? endpoint ?? 'default' };
    },
  },
  'group/members/remove_all': {
    schema: z.object({ device: deviceRef, endpoint: endpointRef, skip_disable_reporting: z.boolean().optional() }),
    handle: async (request, context) => {
      const device = deviceOf(context, request.device);
      for (const group of context.devices.groups.ofDevice(device.id))
        await changeMember(context, false, group, device, endpointOf(request.endpoint));
      return { device: request.device, endpoint: request.endpoint ?? 'default' };
    },
  },
});
