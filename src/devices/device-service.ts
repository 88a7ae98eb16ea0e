/**
 * The devices part: opens the store (device registry, rooms, settings, state journal), and
 * registers one dormant device actor per registered device, so start-up costs the registry
 * index only and an actor activates on its first message. It is the front door for the rest
 * of the hub: add, rename and remove devices, manage rooms, deliver radio reports and
 * commands. What changes (state, events, the device list, rooms, renames, removals, breakers)
 * goes out on the hub's event bus (`events`), never to a listener inside an actor's turn. It starts before the actor system and stops after
 * it, so actors can still write their last state while they stop.
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { ActorSystem } from '../actors/actor-system.js';
import type { ActorKind } from '../actors/types.js';
import type { HearthConfig } from '../config/schema.js';
import { ErrorCode, HearthError } from '../errors.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { CoalescingWriter } from '../store/coalescing-writer.js';
import { DeviceRegistry } from '../store/device-registry.js';
import { DeviceStateStore } from '../store/device-state-store.js';
import { DurableJsonFile } from '../store/durable-json-file.js';
import { damageHealth, StoreDamage } from '../store/store-damage.js';
import { registerStoreMetrics } from '../store/store-metrics.js';
import { EventBus } from '../events/event-bus.js';
import type { HubEventMap, HubEvents } from '../events/hub-events.js';
import type { Capability } from '../model/capabilities.js';
import { deviceKind, type DeviceMessage, type RadioPort, type ReportReply } from './device-actor.js';
import type { DeviceView } from '../model/device-view.js';
import type { DeviceRecord } from '../model/device-record.js';
import { Rooms, type RoomData, type RoomState } from './rooms.js';
import type { Groups } from './groups.js';
import { endInterruptedUpdates } from './interrupted-updates.js';
import { openGroupStore, type GroupStore } from './group-store.js';

const roomsSchema = z.array(z.object({ id: z.string(), name: z.string(), devices: z.array(z.string()) }));
const settingsSchema = z.record(z.string(), z.unknown());

export interface DeviceServiceOptions {
  stateDir: string;
  store: HearthConfig['store'];
  system: ActorSystem;
  log: Logger;
  /** Capabilities of a device; by default those kept in its record. */
  capabilities?: (record: DeviceRecord) => readonly Capability[];
  now?: () => number;
  /** Where the store's metrics go. */
  metrics?: Registry;
  /** Device breaker thresholds per radio kind (config `radios.breakers`); without them commands go out unguarded. */
  breakers?: HearthConfig['radios']['breakers'];
  /** The hub's event bus; one of its own when absent (tests of the devices part alone). */
  events?: HubEvents;
  /** Where damage found on disk is reported (shared with the other parts that read the disk); a fresh one by default. */
  damage?: StoreDamage;
}

export class DeviceService implements Part {
  readonly name = 'devices';
  private registryStore: DeviceRegistry | undefined;
  private stateStore: DeviceStateStore | undefined;
  private roomsDoc: Low<RoomData[]> | undefined;
  private roomsWriter: CoalescingWriter | undefined;
  private settingsDoc: Low<Record<string, unknown>> | undefined;
  private settingsWriter: CoalescingWriter | undefined;
  private roomList: Rooms | undefined;
  private groupStore: GroupStore | undefined;
  private kind: ActorKind<DeviceMessage, unknown, undefined> | undefined;
  private readonly radios = new Map<DeviceRecord['radio'], RadioPort>();
  private started = false;
  startupMs = 0;
  /** Where state, events and changes go. */
  readonly events: HubEvents;
  /** What the store found damaged on disk (the uplink's outbox reports here too). */
  readonly damage: StoreDamage;

  constructor(private readonly options: DeviceServiceOptions) {
    this.events = options.events ?? new EventBus<HubEventMap>(options.log);
    this.damage = options.damage ?? new StoreDamage();
    if (options.metrics !== undefined) {
      registerStoreMetrics(options.metrics, { tailSize: () => this.stateStore?.tailSize ?? 0, damage: this.damage });
    }
  }

  async start(): Promise<void> {
    const began = performance.now();
    const { stateDir, store, log } = this.options;
    const registry = new DeviceRegistry({
      dir: join(stateDir, 'registry'),
      shards: store.registryShards,
      writeIntervalMs: store.writeIntervalMs,
      log,
      damage: this.damage,
    });
    await registry.load();
    this.registryStore = registry;
    this.roomsDoc = new Low<RoomData[]>(
      new DurableJsonFile(
        join(stateDir, 'rooms.json'),
        (value) => roomsSchema.parse(value),
        log,
        this.documentDamage('rooms', join(stateDir, 'rooms.json')),
      ),
      [],
    );
    await this.roomsDoc.read();
    const roomsDoc = this.roomsDoc;
    this.roomsWriter = new CoalescingWriter(() => roomsDoc.write(), store.writeIntervalMs, log, 'rooms.json');
    const roomsWriter = this.roomsWriter;
    this.roomList = new Rooms(roomsDoc.data, () => {
      roomsDoc.data = this.roomList?.list() ?? [];
      roomsWriter.markDirty();
      this.changed('rooms');
    });
    this.settingsDoc = new Low<Record<string, unknown>>(
      new DurableJsonFile(
        join(stateDir, 'settings.json'),
        (value) => settingsSchema.parse(value),
        log,
        this.documentDamage('settings', join(stateDir, 'settings.json')),
      ),
      {},
    );
    await this.settingsDoc.read();
    const settingsDoc = this.settingsDoc;
    this.settingsWriter = new CoalescingWriter(() => settingsDoc.write(), store.writeIntervalMs, log, 'settings.json');
    this.groupStore = await openGroupStore({
      stateDir,
      writeIntervalMs: store.writeIntervalMs,
      log,
      damaged: this.documentDamage('groups', join(stateDir, 'groups.json')),
      deviceNamed: (name) => registry.byFriendlyName(name) !== undefined,
      changed: () => this.events.emit('groups.changed', {}),
    });
    this.stateStore = await DeviceStateStore.open({
      dir: join(stateDir, 'state'),
      log,
      shards: store.stateShards,
      batchIntervalMs: store.journalBatchMs ?? store.maxLossMs,
      maxLossMs: store.maxLossMs,
      directWrites: store.directWrites,
      compactIntervalMs: store.compactIntervalMs,
      compactAfterDevices: store.compactAfterDevices,
      damage: this.damage,
    });
    if (this.stateStore.recovery.corrupt > 0)
      log.warn({ corrupt: this.stateStore.recovery.corrupt }, 'the state journal had torn or corrupt records; kept every good one');
    const stateStore = this.stateStore;
    this.kind = deviceKind({
      record: (id) => registry.get(id),
      capabilities: this.options.capabilities ?? ((record) => record.capabilities ?? []),
      state: stateStore,
      radio: (radio) => this.radios.get(radio),
      events: {
        state: (view, changed) => this.events.emit('device.state', { view, changed }),
        event: (view, values) => this.events.emit('device.event', { view, values }),
      },
      now: this.options.now ?? Date.now,
      breakers: {
        options: (radio) => this.options.breakers?.[radio],
        transition: (transition) => this.events.emit('device.breaker', transition),
      },
    });
    for (const record of registry.all()) this.options.system.register(this.kind, record.id);
    this.started = true;
    const ended = await endInterruptedUpdates({
      records: () => [...registry.all()],
      state: (id) => stateStore.get(id),
      report: (id, values) => this.report(id, values),
    });
    if (ended.length > 0) log.warn({ devices: ended }, 'firmware updates interrupted by the last stop are over; set back to available');
    this.startupMs = performance.now() - began;
    log.info({ devices: registry.size, rooms: this.roomList.list().length, ms: Math.round(this.startupMs) }, 'device registry loaded');
  }

  /**
   * Writes the registry, rooms, settings and groups documents now if they changed (each write is
   * durable): a bridge request is answered only after this, so whatever it acknowledged survives a
   * SIGKILL right after the answer.
   */
  async persist(): Promise<void> {
    await Promise.all([this.registryStore?.flush(), this.roomsWriter?.flush(), this.settingsWriter?.flush(), this.groupStore?.flush()]);
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.persist();
    await this.stateStore?.close();
  }

  health(): PartHealth {
    if (!this.started) return { status: 'stopped' };
    const figures = { devices: this.registry.size, rooms: this.rooms.list().length, stateTail: this.state.tailSize };
    // the outbox's damage shows in the uplink bridge's health
    return { status: 'ok', ...figures, ...damageHealth(this.damage.findings((area) => area !== 'outbox')) };
  }

  /** Reports a damaged document (rooms, settings) to the store's damage report. */
  private documentDamage(area: string, file: string): (problem: string, action: string) => void {
    return (problem, action) => this.damage.note({ kind: 'document', area, file, problem, action });
  }

  private get registry(): DeviceRegistry {
    if (this.registryStore === undefined) throw new Error('the devices part has not started');
    return this.registryStore;
  }

  get state(): DeviceStateStore {
    if (this.stateStore === undefined) throw new Error('the devices part has not started');
    return this.stateStore;
  }

  get rooms(): Rooms {
    if (this.roomList === undefined) throw new Error('the devices part has not started');
    return this.roomList;
  }

  /** The groups (./groups.ts), kept in groups.json. */
  get groups(): Groups {
    if (this.groupStore === undefined) throw new Error('the devices part has not started');
    return this.groupStore.groups;
  }

  /** A radio makes itself available for commands. */
  attachRadio(radio: DeviceRecord['radio'], port: RadioPort): void {
    this.radios.set(radio, port);
  }

  detachRadio(radio: DeviceRecord['radio']): void {
    this.radios.delete(radio);
  }

  private changed(what: 'devices' | 'rooms'): void {
    this.events.emit(what === 'devices' ? 'devices.changed' : 'rooms.changed', {});
  }

  device(id: string): DeviceRecord | undefined {
    return this.registry.get(id);
  }

  byFriendlyName(name: string): DeviceRecord | undefined {
    return this.registry.byFriendlyName(name);
  }

  get size(): number {
    return this.registry.size;
  }

  /** Adds a device (or updates its record) and registers its actor. */
  addDevice(record: DeviceRecord): void {
    const known = this.registry.get(record.id) !== undefined;
    this.registry.put(record);
    if (!known && this.kind !== undefined) this.options.system.register(this.kind, record.id);
    this.changed('devices');
  }

  /** Merges per-device options (debounce, throttle, retain); they apply from the next message. */
  setDeviceOptions(id: string, options: NonNullable<DeviceRecord['options']>): DeviceRecord {
    const record = this.registry.get(id);
    if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device with id ${id}`);
    const updated = { ...record, options: { ...record.options, ...options } };
    this.registry.put(updated);
    this.changed('devices');
    return updated;
  }

  /**
   * A device by id or friendly name. The id is looked up first: a name shaped like an id is
   * refused (name-rule.ts), so an id always finds its own device, whatever an older version let
   * another device be named.
   */
  resolve(nameOrId: string): DeviceRecord | undefined {
    return this.registry.get(nameOrId) ?? this.registry.byFriendlyName(nameOrId);
  }

  /** Every registered device's record. */
  records(): DeviceRecord[] {
    return [...this.registry.all()];
  }

  renameDevice(id: string, friendlyName: string): DeviceRecord {
    const from = this.registry.get(id)?.friendlyName;
    if (this.groups.byName(friendlyName) !== undefined)
      throw new HearthError(ErrorCode.DeviceNameTaken, `the name ${JSON.stringify(friendlyName.slice(0, 64))} is a group's`);
    const renamed = this.registry.rename(id, friendlyName);
    this.changed('devices');
    if (from !== undefined && from !== renamed.friendlyName) this.events.emit('device.renamed', { record: renamed, from });
    return renamed;
  }

  /** Removes a device: its actor, its record, its room membership and its state. */
  async removeDevice(id: string): Promise<void> {
    const record = this.registry.get(id);
    if (this.options.system.has(id)) await this.options.system.remove(id);
    this.registry.remove(id);
    this.rooms.deviceRemoved(id);
    this.groups.deviceRemoved(id);
    this.changed('devices');
    if (record !== undefined) this.events.emit('device.removed', { record });
    await this.state.forget(id);
  }

  /** Delivers a radio's report to the device's actor. */
  report(id: string, values: Record<string, unknown>, at?: number): Promise<ReportReply> {
    return this.options.system.ask<ReportReply>(id, at === undefined ? { type: 'report', values } : { type: 'report', values, at });
  }

  availability(id: string, online: boolean): void {
    this.options.system.tell<DeviceMessage>(id, { type: 'availability', online });
  }

  /**
   * Validates and sends a command; resolves with the device's state after it. The ask waits
   * for the radio's command timeout (and a command queued before it), so that a slow radio's
   * own coded error, not an ask timeout, is the answer.
   */
  command(id: string, payload: unknown): Promise<DeviceView> {
    const radio = this.registry.get(id)?.radio;
    const commandTimeoutMs = radio === undefined ? undefined : this.options.breakers?.[radio].commandTimeoutMs;
    return this.options.system.ask<DeviceView>(
      id,
      { type: 'set', payload },
      commandTimeoutMs === undefined ? {} : { timeoutMs: 2 * commandTimeoutMs + 1000 },
    );
  }

  /** Has the device's radio read `keys` back from the device (a `/get`); the answers arrive as reports before this resolves. */
  async read(id: string, keys: readonly string[]): Promise<void> {
    const record = this.registry.get(id);
    if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device with id ${id}`);
    await this.radios.get(record.radio)?.read?.(id, keys);
  }

  get(id: string): Promise<DeviceView> {
    return this.options.system.ask<DeviceView>(id, { type: 'get' });
  }

  /** A room's state, derived from its devices' current states. */
  async roomState(roomId: string): Promise<RoomState> {
    const room = this.rooms.get(roomId);
    const views = new Map<string, { state: Record<string, unknown>; isLight: boolean }>();
    await Promise.all(
      room.devices.map(async (id) => {
        const record = this.registry.get(id);
        if (record === undefined) return;
        const view = await this.get(id);
        const isLight = (record.capabilities ?? []).some((capability) => capability.type === 'light' || capability.type === 'switch');
        views.set(id, { state: view.state, isLight });
      }),
    );
    return this.rooms.stateOf(roomId, (id) => views.get(id));
  }

  setting(key: string): unknown {
    return this.settingsDoc?.data[key];
  }

  setSetting(key: string, value: unknown): void {
    if (this.settingsDoc === undefined) throw new Error('the devices part has not started');
    this.settingsDoc.data[key] = value;
    this.settingsWriter?.markDirty();
  }
}
