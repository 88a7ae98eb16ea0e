/**
 * What the web page sees of the hub, from the same builders as the MQTT topics: the snapshot
 * (`bridge/info`, `bridge/health`, `bridge/devices`, `bridge/groups`, `bridge/rules`,
 * `bridge/rooms` and every device's state) and the live events, fed from the hub's event bus
 * to the open streams. The lists are built once per burst of changes (coalesced like their
 * topics), once for every client; `health` goes out when a radio or a breaker changes state
 * (a pulled stick shows at once) and every HEALTH_EVERY_MS.
 */
import type { DeviceService } from '../devices/device-service.js';
import type { HubEvents } from '../events/hub-events.js';
import type { DeviceView } from '../model/device-view.js';
import type { RuleEngine } from '../rules/rule-engine.js';
import { Coalescer } from '../uplink/coalescer.js';
import { LISTS_MAX_WAIT_MS, LISTS_QUIET_MS, stateDocument } from '../uplink/device-topics.js';
import { devicesDocument, type DetailsOf } from '../uplink/devices-document.js';
import { groupsDocument } from '../uplink/groups/group-topics.js';
import type { EventStreams } from './event-streams.js';
import { OpenPrompts } from './open-prompts.js';

/** How often `health` goes out on the streams besides the changes that send it at once. */
export const HEALTH_EVERY_MS = 5000;
/** Events of the `bridge/event` stream after which `health` is sent at once. */
const HEALTH_EVENTS = new Set(['radio_state', 'breaker_state']);

export interface HubFeedOptions {
  devices: DeviceService;
  events: HubEvents;
  rules: RuleEngine;
  details: DetailsOf;
  info: () => unknown;
  health: () => unknown;
  now?: () => number;
}

export interface Snapshot {
  info: unknown;
  health: unknown;
  devices: unknown;
  groups: unknown;
  rules: unknown;
  rooms: unknown;
  states: Record<string, Record<string, unknown>>;
  availability: Record<string, 'online' | 'offline'>;
  permit_join: Record<string, { value: boolean; until_ms?: number }>;
  zwave_prompt: unknown;
}

export class HubFeed {
  private readonly lists = {
    devices: new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () =>
      this.sendList('devices', () => this.devicesList()),
    ),
    groups: new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () =>
      this.sendList('groups', () => this.groupsList()),
    ),
    rooms: new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.sendList('rooms', () => this.roomsList())),
    rules: new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.sendList('rules', () => this.rulesList())),
  };
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly prompts: OpenPrompts;
  private owner: string | undefined;

  constructor(
    private readonly options: HubFeedOptions,
    private readonly streams: EventStreams,
  ) {
    this.prompts = new OpenPrompts(options.now ?? Date.now);
  }

  async snapshot(): Promise<Snapshot> {
    const { devices } = this.options;
    const states: Record<string, Record<string, unknown>> = {};
    const availability: Record<string, 'online' | 'offline'> = {};
    for (const record of devices.records()) {
      const state = await devices.state.get(record.id);
      if (state === undefined) continue;
      if (state.availability !== undefined) availability[record.id] = state.availability;
      const view: DeviceView = { id: record.id, friendlyName: record.friendlyName, radio: record.radio, state: state.values };
      if (state.lastSeen !== undefined) view.lastSeen = state.lastSeen;
      states[record.id] = stateDocument(view);
    }
    return {
      info: this.options.info(),
      health: this.options.health(),
      devices: this.devicesList(),
      groups: this.groupsList(),
      rules: this.rulesList(),
      rooms: this.roomsList(),
      states,
      availability,
      permit_join: { ...this.prompts.permitJoin },
      zwave_prompt: this.prompts.zwavePrompt() ?? null,
    };
  }

  /** Listens to the bus as `owner` until stop. */
  start(owner: string): void {
    this.owner = owner;
    const { events } = this.options;
    events.on(owner, 'device.state', ({ view, changed }) => {
      this.send('state', { id: view.id, state: stateDocument(view) });
      if (changed.includes('availability') && view.availability !== undefined)
        this.send('availability', { id: view.id, state: view.availability });
    });
    events.on(owner, 'devices.changed', () => this.lists.devices.request());
    events.on(owner, 'device.renamed', () => this.lists.devices.request());
    events.on(owner, 'device.removed', () => this.lists.devices.request());
    events.on(owner, 'groups.changed', () => this.lists.groups.request());
    events.on(owner, 'rules.changed', () => this.lists.rules.request());
    events.on(owner, 'rooms.changed', () => {
      this.lists.rooms.request();
      this.lists.devices.request(); // it names each device's room
    });
    events.on(owner, 'bridge.event', (event) => {
      this.prompts.note(event);
      this.send('event', event);
      if (HEALTH_EVENTS.has(event.type)) this.sendHealth();
    });
    events.on(owner, 'device.breaker', () => this.sendHealth());
    this.healthTimer = setInterval(() => this.sendHealth(), HEALTH_EVERY_MS);
    this.healthTimer.unref();
  }

  stop(): void {
    if (this.owner !== undefined) this.options.events.removeOwner(this.owner);
    this.owner = undefined;
    for (const list of Object.values(this.lists)) list.cancel();
    if (this.healthTimer !== undefined) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  private send(event: string, data: unknown): void {
    this.streams.broadcast(event, data);
  }

  /** A list, built only when a page is open to see it. */
  private sendList(event: string, build: () => unknown): void {
    if (this.streams.size > 0) this.send(event, build());
  }

  private sendHealth(): void {
    if (this.streams.size > 0) this.send('health', this.options.health());
  }

  private devicesList(): unknown {
    return devicesDocument(this.options.devices, this.options.details);
  }

  private groupsList(): unknown {
    return groupsDocument(this.options.devices);
  }

  private roomsList(): unknown {
    return this.options.devices.rooms.list();
  }

  private rulesList(): unknown {
    return this.options.rules.statuses();
  }
}
