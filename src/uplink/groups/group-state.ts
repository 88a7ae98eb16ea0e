/**
 * A group's state derived from its members' reports, as Zigbee2MQTT's groups extension does
 * (`optimistic`, `off_state`): a member's report of a state property (`state`, `brightness`,
 * `color_temp`, `color`, …) becomes the group's, except that an OFF only does once every member
 * is OFF (`off_state: all_members_off`, the default; `last_member_state` takes every member's
 * last report). So one member ON makes the group ON, and all members OFF make it OFF. A group
 * with `optimistic: false` has no derived state. A command to the group sets its state
 * optimistically from what the converters report back.
 */
import type { GroupData } from '../../devices/groups.js';

/** Zigbee2MQTT's STATE_PROPERTIES (lib/extension/groups.ts): what a member's report passes to its groups. */
export const GROUP_STATE_PROPERTIES: ReadonlySet<string> = new Set([
  'state',
  'brightness',
  'color_temp',
  'color',
  'color_mode',
  'position',
  'tilt',
]);

const isOn = (value: unknown): boolean => value === 'ON' || value === 'OPEN' || value === true;
const isOff = (value: unknown): boolean => value === 'OFF' || value === 'CLOSE' || value === false;

export class GroupStates {
  /** Each device's last state (the state properties only). */
  private readonly members = new Map<string, Record<string, unknown>>();
  /** Each group's derived state, by group id. */
  private readonly groups = new Map<number, Record<string, unknown>>();

  /** What is known of a member before any report in this run (its stored state). */
  seed(deviceId: string, state: Record<string, unknown>): void {
    if (!this.members.has(deviceId)) this.members.set(deviceId, pick(state));
  }

  state(groupId: number): Record<string, unknown> {
    return { ...this.groups.get(groupId) };
  }

  forget(groupId: number): void {
    this.groups.delete(groupId);
  }

  /** A command's optimistic result for the group. */
  commanded(group: GroupData, values: Record<string, unknown>): Record<string, unknown> | undefined {
    if (group.options?.optimistic === false) return undefined;
    const payload = pick(values);
    if (Object.keys(payload).length === 0) return undefined;
    const next = { ...this.groups.get(group.id), ...payload };
    this.groups.set(group.id, next);
    return next;
  }

  /**
   * A member reported `state` (its whole state; `changed` names what changed): the groups whose
   * derived state changed, with their new state.
   */
  reported(
    deviceId: string,
    state: Record<string, unknown>,
    changed: readonly string[],
    groups: readonly GroupData[],
  ): { group: GroupData; state: Record<string, unknown> }[] {
    const current = pick(state);
    this.members.set(deviceId, current);
    const payload: Record<string, unknown> = {};
    for (const key of changed) if (GROUP_STATE_PROPERTIES.has(key) && key in current) payload[key] = current[key];
    if (Object.keys(payload).length === 0) return [];
    const out: { group: GroupData; state: Record<string, unknown> }[] = [];
    for (const group of groups) {
      if (group.options?.optimistic === false) continue;
      if (isOff(payload.state) && group.options?.off_state !== 'last_member_state' && this.anyMemberOn(group)) continue;
      const before = this.groups.get(group.id) ?? {};
      const next = { ...before, ...payload };
      if (JSON.stringify(next) === JSON.stringify(before)) continue;
      this.groups.set(group.id, next);
      out.push({ group, state: next });
    }
    return out;
  }

  private anyMemberOn(group: GroupData): boolean {
    return group.members.some((member) => isOn(this.members.get(member.device)?.state));
  }
}

function pick(state: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(state).filter(([key]) => GROUP_STATE_PROPERTIES.has(key)));
}
