/**
 * The hub's device-side topics, fed from the hub's event bus: a device's state (retained on
 * `<device>`), its events (`<device>`, not retained), its availability (`<device>/availability`),
 * `bridge/devices`, `bridge/rooms` and `bridge/event`; a renamed or removed device's old topics
 * are cleared. Every message goes out through the bridge's outbox (./outgoing.ts).
 *
 * `bridge/devices` and `bridge/rooms` are coalesced (./coalescer.ts): a radio announcing 20
 * nodes at start, or 200 Zigbee devices joining, builds each list once the burst is quiet, not
 * once per change.
 */
import type { Logger } from 'pino';
import type { DeviceService } from '../devices/device-service.js';
import { describeError } from '../errors.js';
import type { BridgeEvent } from '../events/bridge-events.js';
import type { DeviceView } from '../model/device-view.js';
import type { DeviceRecord } from '../model/device-record.js';
import { Coalescer } from './coalescer.js';
import { devicesDocument, type DetailsOf } from './devices-document.js';
import { holdWhileRadiosSettle } from './radio-settling.js';
import type { OutgoingMessage } from './outbox.js';
import type { Topics } from './topics.js';

/** The state message of a device, in Zigbee2MQTT's shape (`placeholders` for what it has not reported yet). */
export function statePayload(view: DeviceView, placeholders: Record<string, null> = {}): string {
  return JSON.stringify(stateDocument(view, placeholders));
}

/** The object a device's state message carries (statePayload before JSON). */
export function stateDocument(view: DeviceView, placeholders: Record<string, null> = {}): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...placeholders, ...view.state };
  if (view.lastSeen !== undefined) payload.last_seen = new Date(view.lastSeen).toISOString();
  return payload;
}

/**
 * A report that changes no value (the read-back of a command the hub has published already, a
 * sensor repeating itself) moves only `last_seen`: its state is published again only once the
 * last one published for the device is this old (by `last_seen`), not within milliseconds.
 */
export const LAST_SEEN_REFRESH_MS = 60_000;

/** How long `bridge/devices` and `bridge/rooms` wait for a burst of changes to be quiet, and at most. */
export const LISTS_QUIET_MS = 200;
export const LISTS_MAX_WAIT_MS = 2000;

export interface DeviceTopicsOptions {
  devices: DeviceService;
  topics: Topics;
  log: Logger;
  /** Into the bridge's outbox; `again`: even when unchanged since the last time (./outgoing.ts). */
  enqueue(message: OutgoingMessage, again?: boolean): void;
  /** `null` for each state key a consumer expects before the device reported it (Home Assistant's lights). */
  placeholders?: (record: DeviceRecord) => Record<string, null>;
  /** The radio's own `bridge/devices` fields of a device (Radio.deviceDetails); none by default. */
  details?: DetailsOf;
  /** Runs `task` once Home Assistant has read the configs queued so far (old topics are cleared after the new configs). */
  afterConfigs?: (task: () => void) => void;
}

export class DeviceTopics {
  private listening = false;
  private readonly lists = {
    devices: new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.publishDevices()),
    rooms: new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.publishRooms()),
  };

  /** Device id → the `last_seen` of the state last published for it (entries of removed devices go). */
  private readonly publishedSeen = new Map<string, number>();

  constructor(private readonly options: DeviceTopicsOptions) {}

  /** Listens to the hub's events as `owner` (until `stop`), and publishes the device list and the rooms. */
  start(owner: string): void {
    const { devices, log } = this.options;
    this.listening = true;
    const events = devices.events;
    holdWhileRadiosSettle(events, owner, [this.lists.devices, this.lists.rooms]);
    events.on(owner, 'device.state', ({ view, changed }) => {
      if (changed.some((key) => key !== 'availability') || !this.onlyLastSeenRecently(view)) this.enqueueState(view);
      if (changed.includes('availability')) this.enqueueAvailability(view);
    });
    events.on(owner, 'devices.changed', () => this.lists.devices.request());
    events.on(owner, 'rooms.changed', () => {
      this.lists.rooms.request();
      this.lists.devices.request(); // it names each device's room
    });
    // as Zigbee2MQTT does: the old retained topics are cleared (an empty retained message), once
    // Home Assistant has read the configs of the new topics (or has none): it would parse the empty payloads
    const afterConfigs = this.options.afterConfigs ?? ((task: () => void) => task());
    events.on(owner, 'device.removed', ({ record }) => {
      this.publishedSeen.delete(record.id);
      afterConfigs(() => this.clearTopics(record.friendlyName));
    });
    events.on(owner, 'device.renamed', ({ record, from }) => {
      afterConfigs(() => this.clearTopics(from));
      devices
        .get(record.id)
        .then((view) => {
          this.enqueueState(view);
          this.enqueueAvailability(view);
        })
        .catch((error: unknown) =>
          log.warn({ err: error, device: record.id }, `could not republish a renamed device: ${describeError(error)}`),
        );
    });
    events.on(owner, 'device.event', ({ view, values }) =>
      this.options.enqueue({
        topic: this.options.topics.device(view.friendlyName),
        payload: JSON.stringify({ ...view.state, ...values }),
        retain: false,
        kind: 'event',
      }),
    );
    events.on(owner, 'bridge.event', (event) => this.publishEvent(event));
    this.publishDevices();
    this.publishRooms();
  }

  /** The lists a burst still holds back go into the outbox now (the bridge is stopping). */
  flush(): void {
    this.lists.devices.flush();
    this.lists.rooms.flush();
  }

  /** No more republishing (the bridge removes the listeners it registered as their owner). */
  stop(): void {
    this.listening = false;
    this.lists.devices.cancel();
    this.lists.rooms.cancel();
    this.publishedSeen.clear();
  }

  /** Whether a burst still holds back `bridge/devices` or `bridge/rooms`. */
  get listsPending(): boolean {
    return this.lists.devices.pending || this.lists.rooms.pending;
  }

  /** How many times `bridge/devices` was built. */
  get devicesListRuns(): number {
    return this.lists.devices.runs;
  }

  /** A device's current state, from its actor (a `/get`). */
  async publishState(id: string, again = false): Promise<void> {
    this.enqueueState(await this.options.devices.get(id), again);
  }

  /** Whether the state last published for the device is so recent that a `last_seen` moved alone need not go out. */
  private onlyLastSeenRecently(view: DeviceView): boolean {
    const last = this.publishedSeen.get(view.id);
    return last !== undefined && view.lastSeen !== undefined && view.lastSeen - last < LAST_SEEN_REFRESH_MS;
  }

  private enqueueState(view: DeviceView, again = false): void {
    this.options.enqueue(this.stateMessage(view), again);
    if (view.lastSeen !== undefined) this.publishedSeen.set(view.id, view.lastSeen);
  }

  /**
   * Every device's last state and availability again, from the state store (no actor is
   * woken for it): for a consumer that has just come up (Home Assistant's birth: `again`, sent
   * even when unchanged since the last time), or a broker that lost them.
   */
  async republishStates(again = false): Promise<void> {
    const { devices } = this.options;
    for (const record of devices.state.inReadingOrder(devices.records())) {
      const state = await devices.state.get(record.id);
      if (state === undefined || !this.listening) continue;
      const view: DeviceView = { id: record.id, friendlyName: record.friendlyName, radio: record.radio, state: state.values };
      if (state.lastSeen !== undefined) view.lastSeen = state.lastSeen;
      if (state.availability !== undefined) view.availability = state.availability;
      if (Object.keys(view.state).length > 0) this.enqueueState(view, again);
      this.enqueueAvailability(view, again);
    }
  }

  /** `bridge/devices` and `bridge/rooms` now (a broker that lost them: the bridge made the hub forget what it sent). */
  republishLists(): void {
    this.lists.devices.cancel();
    this.lists.rooms.cancel();
    this.publishDevices();
    this.publishRooms();
  }

  /** `bridge/devices`, retained: every device with what is known of it and its room. */
  private publishDevices(): void {
    const devices = devicesDocument(this.options.devices, this.options.details);
    this.options.enqueue({ topic: this.options.topics.bridge('devices'), payload: JSON.stringify(devices), retain: true, kind: 'state' });
  }

  /** A `bridge/event` (`device_joined`, `device_leave`, …), kept in order with the other events. */
  private publishEvent(event: BridgeEvent): void {
    this.options.enqueue({ topic: this.options.topics.bridge('event'), payload: JSON.stringify(event), retain: false, kind: 'event' });
  }

  /** Clears a device's retained state and availability (a renamed or removed device's old topics), unless a device has the name again. */
  private clearTopics(name: string): void {
    if (this.options.devices.byFriendlyName(name) !== undefined) return;
    this.options.enqueue({ topic: this.options.topics.device(name), payload: '', retain: true, kind: 'state' });
    this.options.enqueue({ topic: this.options.topics.availability(name), payload: '', retain: true, kind: 'state' });
  }

  /** `bridge/rooms`, retained. */
  private publishRooms(): void {
    const payload = JSON.stringify(this.options.devices.rooms.list());
    this.options.enqueue({ topic: this.options.topics.bridge('rooms'), payload, retain: true, kind: 'state' });
  }

  private stateMessage(view: DeviceView): OutgoingMessage {
    const record = this.options.devices.device(view.id);
    const placeholders = record === undefined ? {} : (this.options.placeholders?.(record) ?? {});
    return {
      topic: this.options.topics.device(view.friendlyName),
      payload: statePayload(view, placeholders),
      retain: record?.options?.retain ?? true,
      kind: 'state',
    };
  }

  private enqueueAvailability(view: DeviceView, again = false): void {
    if (view.availability === undefined) return;
    const payload = JSON.stringify({ state: view.availability });
    this.options.enqueue({ topic: this.options.topics.availability(view.friendlyName), payload, retain: true, kind: 'state' }, again);
  }
}
