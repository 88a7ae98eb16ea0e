/**
 * The groups' topics: `bridge/groups` (retained, Zigbee2MQTT's shape, coalesced like
 * `bridge/devices`), each group's state on `<base>/<group>` (retained; derived from its members'
 * reports by group-state.ts, or set by a command), and a renamed or removed group's old state
 * topic cleared. Everything goes through the bridge's outbox.
 */
import type { Logger } from 'pino';
import type { DeviceService } from '../../devices/device-service.js';
import type { GroupData } from '../../devices/groups.js';
import { parseDeviceId } from '../../model/device-id.js';
import { describeError } from '../../errors.js';
import { Coalescer } from '../coalescer.js';
import { LISTS_MAX_WAIT_MS, LISTS_QUIET_MS } from '../device-topics.js';
import type { OutgoingMessage } from '../outbox.js';
import type { Topics } from '../topics.js';
import { GroupStates } from './group-state.js';

export interface GroupTopicsOptions {
  devices: DeviceService;
  topics: Topics;
  log: Logger;
  enqueue(message: OutgoingMessage, again?: boolean): void;
  /** What a group's state carries as `null` until known (Home Assistant's JSON light reads `state` from every message). */
  placeholders?: (group: GroupData) => Record<string, null>;
}

/** A member as `bridge/groups` lists it: Zigbee2MQTT's `{ieee_address, endpoint}`, plus hearth's id and name (a non-Zigbee member's `ieee_address` is its hearth id). */
function memberPayload(devices: DeviceService, member: GroupData['members'][number]): Record<string, unknown> {
  const parsed = (() => {
    try {
      return parseDeviceId(member.device);
    } catch {
      return undefined;
    }
  })();
  const record = devices.device(member.device);
  return {
    ieee_address: parsed?.radio === 'zigbee' ? parsed.ieeeAddress : member.device,
    endpoint: member.endpoint ?? 1,
    id: member.device,
    ...(record === undefined ? {} : { friendly_name: record.friendlyName, radio: record.radio }),
  };
}

export function groupsDocument(devices: DeviceService): Record<string, unknown>[] {
  return devices.groups.list().map((group) => ({
    id: group.id,
    friendly_name: group.friendly_name,
    scenes: [],
    members: group.members.map((member) => memberPayload(devices, member)),
    ...(group.options === undefined ? {} : { options: group.options }),
  }));
}

export class GroupTopics {
  readonly states = new GroupStates();
  private readonly list = new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.publishList());
  /** Each group's topic name as last published, by id: a rename or removal clears the old one. */
  private names = new Map<number, string>();

  constructor(private readonly options: GroupTopicsOptions) {}

  start(owner: string): void {
    const { devices, log } = this.options;
    this.names = new Map(devices.groups.list().map((group) => [group.id, group.friendly_name]));
    devices.events.on(owner, 'groups.changed', () => {
      this.list.request();
      this.moveTopics();
    });
    devices.events.on(owner, 'devices.changed', () => this.list.request()); // members' names
    devices.events.on(owner, 'device.state', ({ view, changed }) => {
      const groups = devices.groups.ofDevice(view.id);
      if (groups.length === 0) return;
      for (const { group, state } of this.states.reported(view.id, view.state, changed, groups)) this.publishState(group, state);
    });
    this.seed().catch((error: unknown) => log.warn({ err: error }, `could not read the groups' member states: ${describeError(error)}`));
    this.publishList();
  }

  /** Members' stored states, so the first OFF report knows whether another member is still ON. */
  private async seed(): Promise<void> {
    const { devices } = this.options;
    const members = new Set(devices.groups.list().flatMap((group) => group.members.map((member) => member.device)));
    for (const id of members) {
      const stored = await devices.state.get(id);
      if (stored !== undefined) this.states.seed(id, stored.values);
    }
  }

  stop(): void {
    this.list.cancel();
  }

  flush(): void {
    this.list.flush();
  }

  /** A command's optimistic state. */
  commanded(group: GroupData, values: Record<string, unknown>): void {
    const state = this.states.commanded(group, values);
    if (state !== undefined) this.publishState(group, state);
  }

  /** The group's state now (a `/get`), even when unchanged. */
  publishCurrent(group: GroupData): void {
    this.publishState(group, this.states.state(group.id), true);
  }

  republish(): void {
    this.list.cancel();
    this.publishList();
    for (const group of this.options.devices.groups.list()) {
      const state = this.states.state(group.id);
      if (Object.keys(state).length > 0) this.publishState(group, state, true);
    }
  }

  private publishState(group: GroupData, state: Record<string, unknown>, again = false): void {
    this.options.enqueue(
      {
        topic: this.options.topics.device(group.friendly_name),
        payload: JSON.stringify({ ...this.options.placeholders?.(group), ...state }),
        retain: true,
        kind: 'state',
      },
      again,
    );
  }

  private publishList(): void {
    const payload = JSON.stringify(groupsDocument(this.options.devices));
    this.options.enqueue({ topic: this.options.topics.bridge('groups'), payload, retain: true, kind: 'state' });
  }

  /** Clears the state topic of each group renamed or removed since the last change (unless something has the name again). */
  private moveTopics(): void {
    const { devices } = this.options;
    const now = new Map(devices.groups.list().map((group) => [group.id, group.friendly_name]));
    for (const [id, name] of this.names) {
      if (now.get(id) === name) continue;
      if (now.get(id) === undefined) this.states.forget(id);
      else {
        const state = this.states.state(id);
        const group = devices.groups.resolve(id);
        if (group !== undefined && Object.keys(state).length > 0) this.publishState(group, state);
      }
      if (devices.byFriendlyName(name) === undefined && devices.groups.byName(name) === undefined)
        this.options.enqueue({ topic: this.options.topics.device(name), payload: '', retain: true, kind: 'state' });
    }
    this.names = now;
  }
}
