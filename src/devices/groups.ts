/**
 * Groups (Zigbee2MQTT's, widened to every radio): each has a numeric id (1-65535, Zigbee's
 * group id, so a Zigbee group command addresses it), a friendly name and its members, each a
 * device (hearth id) and the endpoint that is in the group (Zigbee; none for other radios), and
 * Zigbee2MQTT's group options (`optimistic`, `off_state`). A group's name follows the name rule
 * of devices (src/model/name-rule.ts) and is no device's name: both are topics. Every change is
 * reported to `onChange` so the store can persist it (groups.json); the list is small (a home
 * has tens of groups), so lookups are linear.
 */
import { z } from 'zod';
import { ErrorCode, HearthError } from '../errors.js';
import { friendlyNameProblem, nameMessage } from '../model/name-rule.js';
import { quoted } from '../model/mqtt-text.js';

export const GROUP_ID_MAX = 65535;
/** More groups than any home has; bounds groups.json and `bridge/groups`. */
export const MAX_GROUPS = 1024;
/** Members per group (a Zigbee group is bounded by each device's group table, not by its size). */
export const MAX_GROUP_MEMBERS = 256;

export const groupMemberSchema = z.object({ device: z.string().min(1), endpoint: z.int().min(1).max(240).optional() });
export const groupOptionsSchema = z.object({
  optimistic: z.boolean().optional(),
  off_state: z.enum(['all_members_off', 'last_member_state']).optional(),
});
export const groupDataSchema = z.object({
  id: z.int().min(1).max(GROUP_ID_MAX),
  friendly_name: z.string().min(1).max(128),
  members: z.array(groupMemberSchema).max(MAX_GROUP_MEMBERS),
  options: groupOptionsSchema.optional(),
});
export const groupsSchema = z.array(groupDataSchema).max(MAX_GROUPS);

export type GroupMember = z.infer<typeof groupMemberSchema>;
export type GroupOptions = z.infer<typeof groupOptionsSchema>;
export type GroupData = z.infer<typeof groupDataSchema>;

const sameMember = (a: GroupMember, b: GroupMember): boolean => a.device === b.device && a.endpoint === b.endpoint;

export class Groups {
  private readonly groups: GroupData[];

  constructor(
    data: readonly GroupData[] = [],
    /** True when a device (another topic owner) has this friendly name. */
    private readonly deviceNamed: (name: string) => boolean = () => false,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.groups = data.map((group) => structuredClone(group));
  }

  list(): GroupData[] {
    return this.groups.map((group) => structuredClone(group));
  }

  /** A group by its id (a number, or digits) or its friendly name. */
  resolve(ref: string | number): GroupData | undefined {
    const text = String(ref);
    const byId = /^\d{1,5}$/.test(text) ? this.groups.find((group) => group.id === Number(text)) : undefined;
    return byId ?? this.byName(text);
  }

  /** By friendly name, compared case-insensitively (as device names are). */
  byName(name: string): GroupData | undefined {
    const lower = name.toLowerCase();
    return this.groups.find((group) => group.friendly_name.toLowerCase() === lower);
  }

  /** The groups `deviceId` is a member of (any endpoint). */
  ofDevice(deviceId: string): GroupData[] {
    return this.groups.filter((group) => group.members.some((member) => member.device === deviceId));
  }

  get(ref: string | number): GroupData {
    const group = this.resolve(ref);
    if (group === undefined) throw new HearthError(ErrorCode.GroupNotFound, `no group named or with id ${quoted(String(ref))}`);
    return group;
  }

  private checkName(name: string, self?: GroupData): void {
    // digits alone would read as a group id
    const problem =
      friendlyNameProblem(name) ?? (/^\d+$/.test(name) ? 'a name of digits alone is not allowed (it reads as a group id)' : undefined);
    if (problem !== undefined) throw new HearthError(ErrorCode.GroupNameInvalid, nameMessage('group name', name, problem));
    const other = this.byName(name);
    if ((other !== undefined && other !== self) || this.deviceNamed(name))
      throw new HearthError(
        ErrorCode.GroupExists,
        `the name ${quoted(name)} is taken by another ${other === undefined ? 'device' : 'group'}`,
      );
  }

  /** A new group; its id is the lowest free one unless given. */
  add(name: string, id?: number): GroupData {
    this.checkName(name);
    if (this.groups.length >= MAX_GROUPS) throw new HearthError(ErrorCode.GroupLimit, `at most ${MAX_GROUPS} groups`);
    if (id !== undefined && this.groups.some((group) => group.id === id))
      throw new HearthError(ErrorCode.GroupExists, `a group with id ${id} exists`);
    let free = 1;
    while (id === undefined && this.groups.some((group) => group.id === free)) free++;
    const group: GroupData = { id: id ?? free, friendly_name: name, members: [] };
    this.groups.push(group);
    this.onChange();
    return structuredClone(group);
  }

  remove(ref: string | number): GroupData {
    const group = this.get(ref);
    this.groups.splice(this.groups.indexOf(group), 1);
    this.onChange();
    return structuredClone(group);
  }

  rename(ref: string | number, to: string): { group: GroupData; from: string } {
    const group = this.get(ref);
    const from = group.friendly_name;
    if (from !== to) {
      this.checkName(to, group);
      group.friendly_name = to;
      this.onChange();
    }
    return { group: structuredClone(group), from };
  }

  setOptions(ref: string | number, options: GroupOptions): { group: GroupData; from: GroupOptions } {
    const group = this.get(ref);
    const from = { ...group.options };
    group.options = { ...group.options, ...options };
    this.onChange();
    return { group: structuredClone(group), from };
  }

  /** Adds a member; false when it was one already. */
  addMember(ref: string | number, member: GroupMember): boolean {
    const group = this.get(ref);
    if (group.members.some((known) => sameMember(known, member))) return false;
    if (group.members.length >= MAX_GROUP_MEMBERS)
      throw new HearthError(
        ErrorCode.GroupLimit,
        `group ${quoted(group.friendly_name)} has ${MAX_GROUP_MEMBERS} members, the most a group may have`,
      );
    group.members.push({ ...member });
    this.onChange();
    return true;
  }

  /** Removes a member; false when it was none. */
  removeMember(ref: string | number, member: GroupMember): boolean {
    const group = this.get(ref);
    const at = group.members.findIndex((known) => sameMember(known, member));
    if (at < 0) return false;
    group.members.splice(at, 1);
    this.onChange();
    return true;
  }

  /** A removed device leaves every group. */
  deviceRemoved(deviceId: string): void {
    let changed = false;
    for (const group of this.groups) {
      const before = group.members.length;
      group.members = group.members.filter((member) => member.device !== deviceId);
      changed ||= group.members.length !== before;
    }
    if (changed) this.onChange();
  }
}
