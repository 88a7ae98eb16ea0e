/**
 * Commands to a group (`<group>/set`, `<group>/get`): the Zigbee members get ONE Zigbee group
 * command through the Zigbee radio's groups (herdsman's `Group`), every other member (Z-Wave,
 * GPIO) its own command through its device actor, side by side; the outcome names each member
 * that failed, with its code. The command is checked first against what the group offers
 * (group-exposes.ts), so a bad value changes nothing anywhere.
 */
import type { DeviceService } from '../../devices/device-service.js';
import type { GroupData } from '../../devices/groups.js';
import { validateCommand } from '../../devices/command-validation.js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../../errors.js';
import type { RadioControl } from '../../radios/radio.js';
import { groupCapabilities } from './group-exposes.js';

export interface MemberFailure {
  device: string;
  code: string;
  message: string;
}

export interface GroupOutcome {
  /** The state the command set (the converters' report for the Zigbee members, the members' own state for the others). */
  state: Record<string, unknown>;
  /** Members the command reached. */
  done: string[];
  failed: MemberFailure[];
}

const failureOf = (device: string, error: unknown): MemberFailure => ({
  device,
  code: isHearthError(error) ? error.code : ErrorCode.RequestFailed,
  message: describeError(error),
});

export class GroupCommands {
  constructor(
    private readonly devices: DeviceService,
    private readonly radios: RadioControl,
  ) {}

  resolve(name: string): GroupData | undefined {
    return this.devices.groups.byName(name);
  }

  private members(group: GroupData) {
    return [...new Set(group.members.map((member) => member.device))].flatMap((id) => this.devices.device(id) ?? []);
  }

  async set(group: GroupData, command: unknown): Promise<GroupOutcome> {
    const members = this.members(group);
    if (members.length === 0) throw new HearthError(ErrorCode.CommandInvalid, `group ${group.friendly_name} has no members`);
    const payload = validateCommand(group.friendly_name, groupCapabilities(members), command);
    const zigbee = members.filter((member) => member.radio === 'zigbee');
    const others = members.filter((member) => member.radio !== 'zigbee');
    const outcome: GroupOutcome = { state: {}, done: [], failed: [] };
    const toZigbee = async (): Promise<void> => {
      if (zigbee.length === 0) return;
      const names = zigbee.map((member) => member.friendlyName);
      try {
        const groups = this.radios.running('zigbee').groups;
        if (groups === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'the Zigbee radio has no groups');
        Object.assign(
          outcome.state,
          await groups.send(
            group.id,
            payload,
            zigbee.map((member) => member.id),
          ),
        );
        outcome.done.push(...names);
      } catch (error) {
        // one frame for them all: it reached all of them or none
        outcome.failed.push(...names.map((name) => failureOf(name, error)));
      }
    };
    const toOther = async (member: (typeof others)[number]): Promise<void> => {
      try {
        const view = await this.devices.command(member.id, payload);
        for (const key of Object.keys(payload)) if (key in view.state) outcome.state[key] ??= view.state[key];
        outcome.done.push(member.friendlyName);
      } catch (error) {
        if (isHearthError(error, ErrorCode.DeviceAsleepQueued)) outcome.done.push(member.friendlyName);
        else outcome.failed.push(failureOf(member.friendlyName, error));
      }
    };
    await Promise.all([toZigbee(), ...others.map(toOther)]);
    return outcome;
  }

  /** Reads `keys` back from every member (their reports derive the group's state). */
  async read(group: GroupData, keys: readonly string[]): Promise<MemberFailure[]> {
    const failed: MemberFailure[] = [];
    await Promise.all(
      this.members(group).map((member) =>
        this.devices.read(member.id, keys).catch((error: unknown) => failed.push(failureOf(member.friendlyName, error))),
      ),
    );
    return failed;
  }
}
