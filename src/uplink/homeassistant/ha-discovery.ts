/**
 * The Home Assistant discovery part of the uplink (as a Zigbee2MQTT extension: the bridge
 * starts and stops it). It keeps the retained discovery configs of the hub and its devices
 * in step with the registry: a device added, renamed or moved to another room gets its
 * configs republished (same topics and unique ids, new state topic, name or area), a device
 * removed or a feature gone gets an empty retained message on each stale topic. Configs left
 * on the broker by an earlier run that no longer match a device are cleared as the hub hears
 * them back. Groups get a light or switch each (group-discovery.ts). When Home Assistant announces `online` on `<prefix>/status`, every config and
 * then every device's current state is published again. Everything goes through the bridge's
 * durable outbox, in order, so a config always precedes the state that follows it. The same
 * happens when the broker has no session for the hub (it may have lost every retained config).
 * After a rename or a removal the bridge clears the device's old topics only once Home Assistant
 * has had the new configs for a moment (`afterConfigs`): until it has applied them it still reads
 * the old topics, and would parse their empty payloads (a JSON light logs an error for each).
 * Each local rule is a switch on the hub's device (rule-switches.ts), added and cleared with the rule.
 *
 * A sync waits for a burst of changes to be quiet (../coalescer.ts): 200 Zigbee devices joining
 * get their configs once, with their availability (which comes a moment after the device).
 * The first sync also waits for the first broker connection (at most `connectionWaitMs`): a
 * broker without the hub's session gets the devices' states from the store before the configs
 * (the bridge's republish), not behind a thousand configs draining at the backlog's rate.
 */
import type { Logger } from 'pino';
import type { DeviceRecord } from '../../model/device-record.js';
import type { DeviceService } from '../../devices/device-service.js';
import { describeError } from '../../errors.js';
import type { LinkUser } from '../mqtt-link.js';
import { Coalescer } from '../coalescer.js';
import { LISTS_MAX_WAIT_MS, LISTS_QUIET_MS } from '../device-topics.js';
import { holdWhileRadiosSettle } from '../radio-settling.js';
import type { OutgoingMessage } from '../outbox.js';
import { bridgeDiscovery, deviceDiscovery, nodeIdOf, type DiscoveryContext } from './discovery-configs.js';
import { ruleSwitchDiscovery, ruleSwitchSources, type RuleSwitchSource } from './rule-switches.js';
import { groupDiscovery } from './group-discovery.js';

/** The listener owner on the hub's event bus. */
const OWNER = 'uplink.homeassistant';
/** The gatherer's holder until the first broker connection. */
const CONNECTION_HOLD = 'connection';

export interface HomeAssistantDiscoveryOptions {
  context: DiscoveryContext;
  /**
   * How long Home Assistant gets to apply configs before what depends on them goes out
   * (`homeassistant.configsAppliedMs`): it reads a burst of messages before it runs the discovery updates they bring.
   */
  configsAppliedMs: number;
  /** How long the first sync waits for the first broker connection (`uplink.startupWaitMs`); 0: not at all. */
  connectionWaitMs?: number;
  devices: DeviceService;
  log: Logger;
  /** Plugs the part into the MQTT link (its subscriptions and the client). */
  use(user: LinkUser): void;
  /** Into the bridge's outbox; `again`: sent even when unchanged since the last time. */
  enqueue(message: OutgoingMessage, again?: boolean): void;
  /** Resolves once everything enqueued so far has reached the broker (PUBACK); pending while it is away. */
  sent(): Promise<void>;
  /** Publishes every device's current state and availability again; `again`: even unchanged since the last time. */
  republishStates(again: boolean): Promise<void>;
  /** Whether the running radio of a device reports its availability as it announces it (its first config lists the topic). */
  reportsAvailability?(record: DeviceRecord): boolean;
  /** The local rules' statuses now (`bridge/rules`); later changes come as `rules.changed`. */
  rules?(): readonly unknown[];
}

export class HomeAssistantDiscovery {
  /** The configs this hub has on the broker: topic → payload. */
  private readonly published = new Map<string, string>();
  /** Devices known to have an availability of their own (their configs list its topic). */
  private readonly available = new Set<string>();
  /** Retained configs under this hub's node heard before the first sync finished. */
  private readonly heardEarly = new Set<string>();
  private synced = false;
  /** The local rules, each a switch (rule-switches.ts). */
  private rules: readonly RuleSwitchSource[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Tasks waiting for Home Assistant to have applied the configs (`afterConfigs`). */
  private readonly waiting = new Set<{ task: () => void; timer?: NodeJS.Timeout }>();
  /** The sync waiting for its burst to be quiet, and what lets it go. */
  private gathering: (() => void) | undefined;
  private readonly gatherer = new Coalescer({ quietMs: LISTS_QUIET_MS, maxWaitMs: LISTS_MAX_WAIT_MS }, () => this.gathering?.());
  private connectionWait: NodeJS.Timeout | undefined;
  republished = 0;

  constructor(private readonly options: HomeAssistantDiscoveryOptions) {}

  get statusTopic(): string {
    return `${this.options.context.prefix}/status`;
  }

  /** The filter of every discovery config of this hub (and only this hub's). */
  get ownConfigs(): string {
    return `${this.options.context.prefix}/+/${nodeIdOf(this.options.context.hubId)}/+/config`;
  }

  /** `<prefix>/<component>/hearth-<hubId>/<object>/config` (the prefix may have levels of its own). */
  private isOwnConfig(topic: string): boolean {
    const { prefix, hubId } = this.options.context;
    if (!topic.startsWith(`${prefix}/`) || !topic.endsWith('/config')) return false;
    const levels = topic.slice(prefix.length + 1).split('/');
    return levels.length === 4 && levels[1] === nodeIdOf(hubId);
  }

  start(): void {
    const { devices } = this.options;
    const waitMs = this.options.connectionWaitMs ?? 0;
    if (waitMs > 0) {
      this.gatherer.hold(CONNECTION_HOLD);
      this.connectionWait = setTimeout(() => this.connected(), waitMs);
      this.connectionWait.unref();
    }
    this.options.use({
      subscriptions: [this.statusTopic, this.ownConfigs],
      onClient: (client) => {
        client.on('message', (topic, payload, packet) => {
          if (topic === this.statusTopic) this.statusHeard(payload.toString('utf8'));
          else if (packet.retain && payload.length > 0 && this.isOwnConfig(topic)) this.configHeard(topic);
        });
      },
    });
    holdWhileRadiosSettle(devices.events, OWNER, [this.gatherer]);
    this.rules = ruleSwitchSources(this.options.rules?.() ?? []);
    devices.events.on(OWNER, 'devices.changed', () => this.schedule());
    devices.events.on(OWNER, 'rooms.changed', () => this.schedule());
    devices.events.on(OWNER, 'rules.changed', ({ rules }) => {
      // a firing changes the list too; only a rule added or removed changes the switches
      const next = ruleSwitchSources(rules);
      if (next.map((rule) => rule.id).join() === this.rules.map((rule) => rule.id).join()) return;
      this.rules = next;
      this.schedule();
    });
    devices.events.on(OWNER, 'groups.changed', () => this.schedule());
    devices.events.on(OWNER, 'device.state', ({ view, changed }) => {
      if (changed.includes('availability') && view.availability !== undefined && !this.available.has(view.id)) {
        this.available.add(view.id);
        this.schedule();
      }
    });
    this.schedule();
  }

  /**
   * The first connection is made, and what a broker without the hub's session gets first is in
   * the outbox (the bridge says so; or `connectionWaitMs` passed without one): syncs may run.
   */
  connected(): void {
    clearTimeout(this.connectionWait);
    this.connectionWait = undefined;
    this.gatherer.release(CONNECTION_HOLD);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.connectionWait);
    this.options.devices.events.removeOwner(OWNER);
    this.gatherer.flush();
    // what waited goes out now, into the outbox that is still open
    for (const entry of [...this.waiting]) {
      clearTimeout(entry.timer);
      this.waiting.delete(entry);
      entry.task();
    }
  }

  /**
   * Runs `task` once the configs of every change so far are on the broker (their sync ran and
   * the broker acknowledged them: however long a join storm or an outage keeps them in the
   * outbox) and Home Assistant has had `configsAppliedMs` since to apply them; at once when
   * the part stops.
   */
  afterConfigs(task: () => void): void {
    const entry: { task: () => void; timer?: NodeJS.Timeout } = { task };
    this.waiting.add(entry);
    void this.settled()
      .then(() => (this.waiting.has(entry) ? this.options.sent() : undefined))
      .then(() => {
        if (!this.waiting.has(entry)) return;
        entry.timer = setTimeout(() => {
          this.waiting.delete(entry);
          task();
        }, this.options.configsAppliedMs);
      });
  }

  /** Whether a sync waits for its burst or runs. */
  get pending(): boolean {
    return this.running !== undefined;
  }

  /** Resolves once every change so far is in the outbox. */
  async settled(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** A sync once the burst of changes this one belongs to is quiet, however many it brings. */
  private schedule(): void {
    if (this.gathering !== undefined) {
      this.gatherer.request();
      return;
    }
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = new Promise<void>((resolve) => {
      this.gathering = resolve;
      this.gatherer.request();
    })
      .then(() => {
        this.gathering = undefined;
        return this.sync();
      })
      .catch((error: unknown) => this.options.log.error({ err: error }, `Home Assistant discovery failed: ${describeError(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.schedule();
        }
      });
  }

  /** Publishes what changed since the last sync and clears what is gone. */
  private async sync(): Promise<void> {
    if (this.stopped) return;
    const { devices, context } = this.options;
    const records = devices.records();
    if (!this.synced) {
      // availability persisted from an earlier run
      const states = await Promise.all(records.map((record) => devices.state.get(record.id)));
      records.forEach((record, index) => {
        if (states[index]?.availability !== undefined) this.available.add(record.id);
      });
    }
    if (this.stopped) return;
    const wanted = new Map<string, string>();
    const bridge = bridgeDiscovery(context);
    wanted.set(bridge.topic, JSON.stringify(bridge.config));
    for (const record of devices.records()) {
      const area = devices.rooms.roomOf(record.id)?.name;
      // a radio that reports a device's availability as it announces it: the first config lists the topic, no second one follows
      const availability = this.available.has(record.id) || this.options.reportsAvailability?.(record) === true;
      for (const message of deviceDiscovery(context, { record, area, availability }))
        wanted.set(message.topic, JSON.stringify(message.config));
    }
    for (const rule of this.rules) {
      const message = ruleSwitchDiscovery(context, rule);
      wanted.set(message.topic, JSON.stringify(message.config));
    }
    for (const group of devices.groups.list()) {
      const members = group.members.flatMap((member) => devices.device(member.device) ?? []);
      for (const message of groupDiscovery(context, group, members)) wanted.set(message.topic, JSON.stringify(message.config));
    }
    let changed = 0;
    for (const [topic, payload] of wanted) {
      if (this.published.get(topic) === payload) continue;
      this.published.set(topic, payload);
      this.options.enqueue({ topic, payload, retain: true, kind: 'state' });
      changed++;
    }
    let cleared = 0;
    for (const topic of [...this.published.keys()]) {
      if (wanted.has(topic)) continue;
      this.published.delete(topic);
      this.clear(topic);
      cleared++;
    }
    if (!this.synced) {
      this.synced = true;
      for (const topic of this.heardEarly) this.configHeard(topic);
      this.heardEarly.clear();
    }
    if (changed > 0 || cleared > 0) this.options.log.debug({ changed, cleared }, 'Home Assistant discovery updated');
  }

  private clear(topic: string): void {
    this.options.enqueue({ topic, payload: '', retain: true, kind: 'state' });
  }

  /** A retained config under this hub's node: one no device of the hub has any more is cleared. */
  private configHeard(topic: string): void {
    if (!this.synced) {
      this.heardEarly.add(topic);
      return;
    }
    if (this.published.has(topic)) return;
    this.options.log.info({ topic }, 'clearing a Home Assistant discovery config left from an earlier run');
    this.clear(topic);
  }

  /** Home Assistant's birth (or last will): on `online`, every config and state again. */
  private statusHeard(payload: string): void {
    if (payload.trim().toLowerCase() !== 'online' || this.stopped) return;
    this.republished++;
    this.options.log.info({ configs: this.published.size }, 'Home Assistant is online; republishing discovery and states');
    void this.republish(true);
  }

  /**
   * Every config, then every device's state, again (Home Assistant's birth); resolves once they
   * are in the outbox. `again`: even those unchanged since the last time (Home Assistant asked
   * for them). `states: false`: the configs only (a broker with no session for the hub: the
   * bridge has republished the states already, retained, so their order does not matter to a
   * Home Assistant that reads the configs later).
   */
  republish(again: boolean, { states = true }: { states?: boolean } = {}): Promise<void> {
    this.gatherer.flush(); // the pending changes first, without waiting for their burst to end
    return this.settled()
      .then(async () => {
        if (this.stopped) return;
        for (const [topic, config] of this.published) this.options.enqueue({ topic, payload: config, retain: true, kind: 'state' }, again);
        if (states) await this.options.republishStates(again);
      })
      .catch((error: unknown) => this.options.log.error({ err: error }, `could not republish for Home Assistant: ${describeError(error)}`));
  }
}
