/**
 * The device actor: the one place a device's state changes. It applies reports from its radio
 * (persisting each change to the state store and emitting it for the uplink), turns transient
 * attributes (`action`) into events that are never stored, validates commands against the
 * device's capabilities before any radio is touched, sends them to its radio and updates the
 * state it was told to take. Optional per-device debounce (merge reports in a quiet window)
 * and throttle (at most one report per window), as Zigbee2MQTT offers. It owns the device's
 * circuit breaker (src/resilience/device-breaker.ts), whose state it persists with the rest.
 */
import type { ActorContext, ActorKind } from '../actors/types.js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../errors.js';
import type { FaultScope } from '../radios/radio.js';
import type { BreakerTransition } from '../model/breaker-state.js';
import { DeviceBreaker, type DeviceBreakerOptions } from '../resilience/device-breaker.js';
import type { DeviceState, StateChange } from '../store/device-state-store.js';
import { ACCESS_SET, flattenCapabilities, isTransient, type Capability } from '../model/capabilities.js';
import { CommandError, validateCommand } from './command-validation.js';
import type { DeviceRecord } from '../model/device-record.js';
import type { DeviceView } from '../model/device-view.js';

export type DeviceMessage =
  | { type: 'report'; values: Record<string, unknown>; at?: number }
  | { type: 'availability'; online: boolean; at?: number }
  | { type: 'set'; payload: unknown }
  | { type: 'get' }
  | { type: 'flush' };

export interface ReportReply {
  /** The attributes whose value changed (empty when nothing did, or while debouncing). */
  changed: string[];
  /** Resolves once the change is on disk; undefined when nothing was written. */
  persisted: Promise<number> | undefined;
}

/** Sends a validated command to a device over its radio. */
export interface RadioPort {
  /** Resolves when the device took the command; rejects with a coded error (DEVICE_ASLEEP_QUEUED: it waits for the device). */
  send(deviceId: string, payload: Record<string, unknown>): Promise<void>;
  /** Reads state back from the device (a `/get`); the answers arrive as reports. */
  read?(deviceId: string, keys: readonly string[]): Promise<void>;
  /** A cheap check that the device answers: the half-open probe of its breaker. */
  ping(deviceId: string): Promise<void>;
  /** Which breaker a failure of `send` or `ping` counts against. */
  faultScope(error: unknown): FaultScope;
}

/** Where the device actors' output goes (the uplink). */
export interface DeviceEvents {
  state(view: DeviceView, changed: readonly string[]): void;
  event(view: DeviceView, values: Record<string, unknown>): void;
}

export interface DevicePorts {
  record(id: string): DeviceRecord | undefined;
  capabilities(record: DeviceRecord): readonly Capability[];
  state: { get(id: string): Promise<DeviceState | undefined>; record(id: string, change: StateChange): Promise<number> };
  radio(radio: DeviceRecord['radio']): RadioPort | undefined;
  events: DeviceEvents;
  now(): number;
  /** Device breakers: their thresholds per radio (none: commands go out unguarded) and where their transitions go. */
  breakers?: { options(radio: DeviceRecord['radio']): DeviceBreakerOptions | undefined; transition(transition: BreakerTransition): void };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

const REJECTED_CODES = new Set<string>([
  ErrorCode.CommandInvalid,
  ErrorCode.RadioUnavailable,
  ErrorCode.RadioCommandFailed,
  ErrorCode.DeviceNotFound,
  ErrorCode.DeviceAsleepQueued,
  ErrorCode.DeviceNotReady,
  ErrorCode.DeviceUnreachable,
  ErrorCode.CircuitOpen,
  ErrorCode.RadioBusy,
  ErrorCode.Timeout,
]);

export const DEVICE_KIND_NAME = 'device';

export function deviceKind(ports: DevicePorts): ActorKind<DeviceMessage, unknown, undefined> {
  return {
    name: DEVICE_KIND_NAME,
    isRejection: (error) => error instanceof CommandError || (isHearthError(error) && REJECTED_CODES.has(error.code)),
    create: (context) => new DeviceActor(context, ports),
  };
}

class DeviceActor {
  private record!: DeviceRecord;
  private state: DeviceState = { values: {} };
  private pending: Record<string, unknown> | undefined;
  private pendingAt = 0;
  private debounceTimer: NodeJS.Timeout | undefined;
  private lastEmitted = -Infinity;
  /** The view handed to the uplink for the current state (one per change, shared by its listeners). */
  private emitted: DeviceView | undefined;
  /** Made on the first command, or at activation when the persisted state has one. */
  private breaker: DeviceBreaker | undefined;

  constructor(
    private readonly context: ActorContext<DeviceMessage>,
    private readonly ports: DevicePorts,
  ) {}

  async onStart(): Promise<void> {
    const record = this.ports.record(this.context.id);
    if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device with id ${this.context.id} in the registry`);
    this.record = record;
    this.state = (await this.ports.state.get(this.context.id)) ?? { values: {} };
    if (this.state.breaker !== undefined && this.state.breaker !== null) this.breakerFor();
  }

  private breakerFor(): DeviceBreaker | undefined {
    if (this.breaker !== undefined) return this.breaker;
    const options = this.ports.breakers?.options(this.record.radio);
    if (options === undefined) return undefined;
    const breakers = this.ports.breakers;
    this.breaker = new DeviceBreaker(this.record.id, this.record.radio, options, this.state.breaker, {
      persist: (snapshot) => {
        this.state = { ...this.state, breaker: snapshot };
        this.ports.state.record(this.context.id, { breaker: snapshot }).catch(() => undefined); // the store logs a failed write
      },
      transition: (transition) => breakers?.transition(transition),
      now: () => this.ports.now(),
    });
    return this.breaker;
  }

  receive(message: DeviceMessage): unknown {
    switch (message.type) {
      case 'report':
        return this.report(message.values, message.at ?? this.ports.now());
      case 'availability':
        return this.availability(message.online ? 'online' : 'offline', message.at ?? this.ports.now());
      case 'set':
        return this.command(message.payload);
      case 'get':
        // re-read: a rename shows at once
        this.record = this.ports.record(this.context.id) ?? this.record;
        return this.view();
      case 'flush':
        return this.flush();
    }
  }

  private view(): DeviceView {
    return this.viewOf({ ...this.state.values });
  }

  private viewOf(values: Record<string, unknown>): DeviceView {
    const view: DeviceView = { id: this.record.id, friendlyName: this.record.friendlyName, radio: this.record.radio, state: values };
    if (this.state.lastSeen !== undefined) view.lastSeen = this.state.lastSeen;
    if (this.state.availability !== undefined) view.availability = this.state.availability;
    return view;
  }

  /**
   * The view for the uplink's listeners: built once per state (they only read it), sharing the
   * values object, which is replaced on every change and never changed in place.
   */
  private emitView(): DeviceView {
    if (this.emitted?.friendlyName !== this.record.friendlyName) this.emitted = this.viewOf(this.state.values);
    return this.emitted;
  }

  private report(values: Record<string, unknown>, at: number): ReportReply {
    // re-read: a rename or new options take effect on the next report
    this.record = this.ports.record(this.context.id) ?? this.record;
    this.breaker?.heard();
    const events: Record<string, unknown> = {};
    const lasting: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (isTransient(key)) events[key] = value;
      else lasting[key] = value;
    }
    // events go out after the values of the same report are applied, so they carry them
    const emitEvents = (): void => {
      if (Object.keys(events).length > 0) this.ports.events.event(this.emitView(), events);
    };
    const { debounceMs = 0, throttleMs = 0 } = this.record.options ?? {};
    if (throttleMs > 0 && at - this.lastEmitted < throttleMs) {
      emitEvents();
      return { changed: [], persisted: undefined };
    }
    if (debounceMs > 0) {
      this.pending = { ...(this.pending ?? {}), ...lasting };
      this.pendingAt = at;
      if (this.debounceTimer !== undefined) clearTimeout(this.debounceTimer);
      this.debounceTimer = setTimeout(() => {
        this.debounceTimer = undefined;
        try {
          this.context.self.tell({ type: 'flush' });
        } catch {
          // the actor is gone; onStop/onPassivate flushed already
        }
      }, debounceMs);
      emitEvents();
      return { changed: [], persisted: undefined };
    }
    const applied = this.apply(lasting, at);
    emitEvents();
    return applied;
  }

  private flush(): ReportReply {
    if (this.pending === undefined) return { changed: [], persisted: undefined };
    const values = this.pending;
    this.pending = undefined;
    return this.apply(values, this.pendingAt);
  }

  /** Applies values to the state: persists what changed (and last seen), emits it. */
  private apply(values: Record<string, unknown>, at: number): ReportReply {
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (!sameValue(this.state.values[key], value)) changed[key] = value;
    }
    const keys = Object.keys(changed);
    this.state = { ...this.state, values: keys.length > 0 ? { ...this.state.values, ...changed } : this.state.values, lastSeen: at };
    this.emitted = undefined;
    const change: StateChange = { lastSeen: at };
    if (keys.length > 0) change.values = changed;
    const persisted = this.ports.state.record(this.context.id, change);
    persisted.catch(() => undefined); // the store logs a failed write; a caller may still await it
    this.lastEmitted = at;
    this.ports.events.state(this.emitView(), keys);
    return { changed: keys, persisted };
  }

  private availability(availability: 'online' | 'offline', at: number): ReportReply {
    if (this.state.availability === availability) return { changed: [], persisted: undefined };
    this.state = { ...this.state, availability };
    this.emitted = undefined;
    const change: StateChange = { availability };
    if (availability === 'online') {
      change.lastSeen = at;
      this.state.lastSeen = at;
    }
    const persisted = this.ports.state.record(this.context.id, change);
    persisted.catch(() => undefined); // the store logs a failed write; a caller may still await it
    this.ports.events.state(this.emitView(), ['availability']);
    return { changed: ['availability'], persisted };
  }

  private async command(payload: unknown): Promise<DeviceView> {
    this.record = this.ports.record(this.context.id) ?? this.record;
    const capabilities = this.ports.capabilities(this.record);
    const command = validateCommand(this.record.id, capabilities, payload);
    const radio = this.ports.radio(this.record.radio);
    if (radio === undefined)
      throw new HearthError(ErrorCode.RadioUnavailable, `${this.record.id}: the ${this.record.radio} radio is not running`);
    // what the command sets once the device took it, from the state before it went out (a toggle flips that)
    const features = new Map(flattenCapabilities(capabilities).map((feature) => [feature.property, feature]));
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(command)) {
      const feature = features.get(key);
      if (feature?.type === 'binary' && feature.value_toggle !== undefined && value === feature.value_toggle) {
        values[key] = this.state.values[key] === feature.value_on ? feature.value_off : feature.value_on;
      } else if (feature !== undefined && (feature.access & ACCESS_SET) !== 0) {
        values[key] = value;
      }
    }
    const id = this.record.id;
    const call = {
      send: () => radio.send(id, command),
      ping: () => radio.ping(id),
      faultScope: (error: unknown) => radio.faultScope(error),
    };
    try {
      const breaker = this.breakerFor();
      await (breaker === undefined ? call.send() : breaker.run(call));
    } catch (error) {
      // a radio's own verdict (asleep and queued, a circuit open) keeps its code
      if (isHearthError(error)) throw error;
      throw new HearthError(
        ErrorCode.RadioCommandFailed,
        `${this.record.id}: the ${this.record.radio} radio could not send ${JSON.stringify(command)}: ${describeError(error)}`,
        { cause: error },
      );
    }
    this.apply(values, this.ports.now());
    return this.view();
  }

  onPassivate(): undefined {
    this.settle();
    return undefined; // the state is in the state store already
  }

  onStop(): void {
    this.settle();
  }

  /** Debounced values are written before the incarnation ends. */
  private settle(): void {
    if (this.debounceTimer !== undefined) clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
    this.flush();
  }
}
