/**
 * A radio as a part of the hub: starts, supervises and stops it, and joins it to the devices
 * part. Devices the radio announces are registered (or their record updated: model, firmware,
 * capabilities; never the friendly name or options a user set), reports and availability go
 * to each device's actor, devices that leave are removed, and the devices part sends commands
 * through the radio. A report for a device the registry does not know is logged and dropped:
 * a radio announces a device before it reports.
 *
 * Supervision: a radio that cannot start (a stick not plugged in) or that dies while running
 * (its driver gave up) does not stop the hub. Its devices are marked offline, and it is
 * restarted with exponential backoff and jitter (`radios.restart`); after `maxAttempts` failed
 * restarts in a row it counts as down (health, `bridge/health`) and is retried at the cap
 * interval forever. Every change of its state is a `bridge/event` `radio_state`.
 *
 * Breakers: every command and device ping goes through the radio's guard (its breaker and
 * bulkhead, src/resilience/radio-guard.ts); each device's own breaker lives in its actor.
 * Every transition of either is a `bridge/event` `breaker_state` and shows in the metrics;
 * the radio's breaker shows in its health too.
 */
import type { Logger } from 'pino';
import type { DeviceRecord } from '../devices/device-record.js';
import { friendlyNameProblem, nameMessage } from '../devices/name-rule.js';
import { parseDeviceId } from '../devices/device-id.js';
import type { DeviceService } from '../devices/device-service.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import type { BreakerOptions } from '../config/schema.js';
import { backoffDelay } from '../resilience/backoff.js';
import type { BreakerTransition } from '../resilience/breaker-state.js';
import { bridgeEvent, type BridgeEventMap, type BridgeEventType } from '../events/bridge-events.js';
import { RadioGuard } from '../resilience/radio-guard.js';
import type { ResilienceMetrics } from '../resilience/resilience-metrics.js';
import type { InclusionAnswer, Radio, RadioDevice, RadioListener } from './radio.js';

export interface RestartPolicy {
  minMs: number;
  maxMs: number;
  maxAttempts: number;
}

export interface RadioPartOptions {
  radio: Radio;
  devices: DeviceService;
  log: Logger;
  /** `radios.restart`. */
  restart: RestartPolicy;
  /** The radio's breakers and bulkhead; config's defaults for its kind when absent. */
  breaker: BreakerOptions;
  metrics?: ResilienceMetrics;
  random?: () => number;
}

/** running: up; restarting: failed, a restart is due; down: failed `maxAttempts` restarts in a row (retried at the cap). */
export type RadioState = 'stopped' | 'starting' | 'running' | 'restarting' | 'down';

/** What the bridge requests ask of the radios: joining and leaving, and network backups. */
export interface RadioControl {
  /** `via`: a device id; only its radio opens, through that device. */
  permitJoin(seconds: number, via?: string): Promise<void>;
  exclusion(seconds: number): Promise<void>;
  /** Each running radio's backup, by radio kind; network keys only with `includeKeys`. */
  backup(options?: { includeKeys?: boolean }): Promise<Record<string, unknown>>;
  /** Answers a running radio's question during a secure inclusion. */
  answerInclusion(answer: InclusionAnswer): void;
}

/** permit_join and exclusion on every running radio that has them; RADIO_UNAVAILABLE when none does. */
export function radioControl(radios: readonly RadioPart[]): RadioControl {
  const running = () => radios.filter((part) => part.state === 'running');
  return {
    permitJoin: async (seconds, via) => {
      const radio = via === undefined ? undefined : parseDeviceId(via).radio;
      const parts = running().filter((part) => radio === undefined || part.radio.kind === radio);
      if (parts.length === 0) throw new HearthError(ErrorCode.RadioUnavailable, `no radio is running that devices could join${radio === undefined ? '' : ` through ${via} (the ${radio} radio)`}`);
      await Promise.all(parts.map((part) => part.radio.permitJoin(seconds, via)));
    },
    backup: async (options = {}) => {
      const parts = running().filter((part) => part.radio.backup !== undefined);
      if (parts.length === 0) throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio has a network backup (Zigbee does)');
      const backups = await Promise.all(parts.map(async (part) => [part.radio.kind, await part.radio.backup?.(options)] as const));
      return Object.fromEntries(backups);
    },
    exclusion: async (seconds) => {
      const excluding = running().flatMap((part) => (part.radio.exclude === undefined ? [] : [part.radio.exclude(seconds)]));
      if (excluding.length === 0) throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio takes devices out by exclusion (Z-Wave does)');
      await Promise.all(excluding);
    },
    answerInclusion: (answer) => {
      const asking = running().find((part) => part.radio.answerInclusion !== undefined);
      if (asking?.radio.answerInclusion === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio asks questions during inclusion (Z-Wave does, for S2)');
      asking.radio.answerInclusion(answer);
    },
  };
}

export class RadioPart implements Part {
  readonly name: string;
  private stateNow: RadioState = 'stopped';
  /** Failed starts in a row. */
  private attempts = 0;
  private lastError: string | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Devices the radio itself reported gone: their removal needs no word to the radio. */
  private readonly leaving = new Set<string>();
  readonly guard: RadioGuard;
  /** Devices whose join the radio reported, not registered yet. */
  private readonly joined = new Set<string>();
  /** Devices of this radio whose breaker is open or half-open. */
  private readonly openDevices = new Set<string>();

  constructor(private readonly options: RadioPartOptions) {
    this.name = `radios.${options.radio.kind}`;
    const guardOptions: ConstructorParameters<typeof RadioGuard>[0] = {
      radio: options.radio,
      options: options.breaker,
      log: options.log,
      onTransition: (transition) => this.breakerChanged(transition),
      onStuck: (fault) => this.restart(new HearthError(ErrorCode.RadioUnavailable, `the ${options.radio.kind} radio did not answer ${options.breaker.restartAfterProbes} probes in a row (${fault})`)),
    };
    if (options.random !== undefined) guardOptions.random = options.random;
    this.guard = new RadioGuard(guardOptions);
    options.metrics?.watch(this.guard);
    options.metrics?.radioState(options.radio.kind, 'stopped');
  }

  private setState(state: RadioState): void {
    this.stateNow = state;
    this.options.metrics?.radioState(this.options.radio.kind, state);
  }

  /** A breaker of this radio (or of one of its devices) changed state. */
  private breakerChanged(transition: BreakerTransition): void {
    this.options.metrics?.transition(transition);
    if (transition.device !== undefined) {
      if (transition.state === 'closed') this.openDevices.delete(transition.device);
      else this.openDevices.add(transition.device);
    }
    const data: BridgeEventMap['breaker_state'] = { radio: transition.radio, scope: transition.scope, state: transition.state };
    if (transition.device !== undefined) {
      data.device = transition.device;
      const name = this.options.devices.device(transition.device)?.friendlyName;
      if (name !== undefined) data.friendly_name = name;
    }
    if (transition.error !== undefined) data.error = transition.error;
    if (transition.retryInMs !== undefined) data.retry_in_ms = transition.retryInMs;
    this.bridgeEvent('breaker_state', data);
  }

  /** A `bridge/event`, through the hub's event bus. */
  private bridgeEvent<K extends BridgeEventType>(type: K, data: BridgeEventMap[K]): void {
    this.options.devices.events.emit('bridge.event', bridgeEvent(type, data));
  }

  get radio(): Radio {
    return this.options.radio;
  }

  get state(): RadioState {
    return this.stateNow;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { radio, devices, log } = this.options;
    this.stopping = false;
    devices.events.on(this.name, 'device.removed', ({ record }) => {
      if (record.radio !== radio.kind || this.stateNow !== 'running') return;
      if (this.leaving.delete(record.id)) return;
      radio.forget(record.id).catch((error: unknown) => log.warn({ err: error, device: record.id }, `${radio.kind}: could not take ${record.id} out of the network: ${describeError(error)}`));
    });
    devices.events.on(this.name, 'device.breaker', (transition) => {
      if (transition.radio === radio.kind) this.breakerChanged(transition);
    });
    const unavailable = (): HearthError => new HearthError(ErrorCode.RadioUnavailable, `the ${radio.kind} radio is ${this.stateNow}${this.lastError === undefined ? '' : ` (${this.lastError})`}`);
    devices.attachRadio(radio.kind, {
      send: async (id, payload) => {
        if (this.stateNow !== 'running') throw unavailable();
        const outcome = await this.guard.run(id, () => radio.send(id, payload));
        if (outcome.status === 'queued') {
          throw new HearthError(ErrorCode.DeviceAsleepQueued, `${id} is asleep: the command waits in the ${radio.kind} radio's queue and is carried out when it wakes up`);
        }
      },
      ping: async (id) => {
        if (this.stateNow !== 'running') throw unavailable();
        await this.guard.run(`ping ${id}`, () => radio.ping(id));
      },
      faultScope: (error) => radio.faultScope(error),
      read: async (id, keys) => {
        if (this.stateNow !== 'running') throw unavailable();
        // a read is a device request like a command: it goes through the radio's breaker too
        await this.guard.run(`read ${id}`, () => radio.read?.(id, keys) ?? Promise.resolve());
      },
    });
    this.setState('starting');
    await this.attempt(signal);
  }

  /** One start of the radio; a failure schedules the next (unless the hub is stopping). */
  private async attempt(signal: AbortSignal): Promise<void> {
    const { radio, log } = this.options;
    try {
      await radio.start(this.listener(), signal);
    } catch (error) {
      if (signal.aborted || this.stopping) throw error;
      await radio.stop().catch(() => undefined); // whatever it opened before failing
      this.failed(error);
      return;
    }
    if (this.stopping) return;
    const recovered = this.attempts > 0;
    this.attempts = 0;
    this.lastError = undefined;
    this.setState('running');
    this.guard.probeSoon();
    if (recovered) {
      log.info(`${radio.kind}: the radio runs again`);
      this.bridgeEvent('radio_state', { radio: radio.kind, state: 'running' });
    }
  }

  /** The radio failed to start or died: its devices go offline, and a restart is scheduled. */
  private failed(error: unknown): void {
    const { radio, log, devices } = this.options;
    const policy = this.options.restart;
    this.lastError = describeError(error);
    this.attempts++;
    const givenUp = this.attempts > policy.maxAttempts;
    this.setState(givenUp ? 'down' : 'restarting');
    const delay = givenUp ? policy.maxMs : backoffDelay(policy.minMs, policy.maxMs, this.attempts - 1, this.options.random);
    log.error({ err: error, attempts: this.attempts, retryInMs: delay }, `${radio.kind}: the radio failed (${this.lastError}); ${givenUp ? 'it counts as down, ' : ''}next start in ${Math.round(delay / 1000)} s`);
    this.bridgeEvent('radio_state', { radio: radio.kind, state: this.stateNow, error: this.lastError, attempts: this.attempts, retry_in_ms: delay });
    for (const record of devices.records()) if (record.radio === radio.kind) devices.availability(record.id, false);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.attempt(new AbortController().signal);
    }, delay);
    this.retry.unref();
  }

  private listener(): RadioListener {
    const { devices, log, radio } = this.options;
    const guarded =
      <A extends unknown[]>(what: string, fn: (...args: A) => unknown) =>
      (...args: A): void => {
        try {
          const result = fn(...args);
          if (result instanceof Promise) result.catch((error: unknown) => log.warn({ err: error }, `${radio.kind}: ${what} failed: ${describeError(error)}`));
        } catch (error) {
          log.warn({ err: error }, `${radio.kind}: ${what} failed: ${describeError(error)}`);
        }
      };
    return {
      deviceAnnounced: guarded('registering a device', (device: RadioDevice) => this.register(device)),
      deviceLeft: guarded('removing a device', async (id: string) => {
        const record = devices.device(id);
        if (record === undefined) return;
        this.leaving.add(id);
        await devices.removeDevice(id);
        this.bridgeEvent('device_leave', { id, friendly_name: record.friendlyName });
      }),
      report: guarded('a report', (id: string, values: Record<string, unknown>) => {
        if (devices.device(id) === undefined) {
          log.debug({ device: id }, `${radio.kind}: a report from a device not in the registry; dropped`);
          return;
        }
        return devices.report(id, values);
      }),
      availability: guarded('availability', (id: string, online: boolean) => {
        if (devices.device(id) !== undefined) devices.availability(id, online);
      }),
      deviceJoined: guarded('a join', (id: string, details: { ieee_address?: string; node_id?: number } = {}) => {
        this.joined.add(id);
        this.bridgeEvent('device_joined', { id, friendly_name: devices.device(id)?.friendlyName ?? id, radio: radio.kind, ...details });
      }),
      event: (type, data) => this.options.devices.events.emit('bridge.event', bridgeEvent(type, data)),
      failed: (error) => this.restart(error),
    };
  }

  /** The running radio died or is stuck: it is stopped, and restarted with backoff. */
  private restart(error: unknown): void {
    if (this.stateNow !== 'running') return;
    this.setState('restarting');
    void this.options.radio
      .stop()
      .catch(() => undefined)
      .then(() => {
        if (!this.stopping) this.failed(error);
      });
  }

  /** Registers a new device, or updates what the radio knows of a known one. */
  private register(device: RadioDevice): void {
    const { devices, radio } = this.options;
    const known = devices.device(device.id);
    const named = known === undefined ? this.nameFor(device) : { name: known.friendlyName };
    const record: DeviceRecord = { ...known, id: device.id, friendlyName: named.name, radio: radio.kind, capabilities: device.capabilities };
    for (const key of ['model', 'vendor', 'firmware'] as const) {
      const value = device[key];
      if (value !== undefined) record[key] = value;
    }
    devices.addDevice(record);
    if (known !== undefined) return;
    const refused = named.refused === undefined ? {} : { refused_name: named.refused };
    // a radio that says when a device joins has said so already (a name it carries is known only
    // after its interview, so its refusal is an event of its own); a GPIO pin from config joins here
    if (!this.joined.delete(device.id)) this.bridgeEvent('device_joined', { id: device.id, friendly_name: record.friendlyName, radio: radio.kind, ...refused });
    else if (named.refused !== undefined) this.bridgeEvent('device_name_refused', { id: device.id, friendly_name: record.friendlyName, refused_name: named.refused });
  }

  /**
   * A new device's friendly name: the name it carries itself when the name rule allows it and
   * no other device has it, else its id. A refused name is logged (once: only a new device is
   * named here) and said in its `device_joined` event.
   */
  private nameFor(device: RadioDevice): { name: string; refused?: { code: ErrorCode; message: string } } {
    const name = device.name;
    if (name === undefined) return { name: device.id };
    const problem = friendlyNameProblem(name, device.id);
    const holder = problem === undefined ? this.options.devices.resolve(name) : undefined;
    if (problem === undefined && (holder === undefined || holder.id === device.id)) return { name };
    const refused =
      problem === undefined
        ? { code: ErrorCode.DeviceNameTaken, message: nameMessage('friendly name', name, `taken by ${holder?.id ?? '?'}`) }
        : { code: ErrorCode.DeviceNameInvalid, message: nameMessage('friendly name', name, problem) };
    this.options.log.warn({ device: device.id, code: refused.code }, `${this.options.radio.kind}: ${device.id} carries a name that is not used: ${refused.message}; it is named by its id`);
    return { name: device.id, refused };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
    this.setState('stopped');
    this.guard.stop();
    this.options.devices.events.removeOwner(this.name);
    this.options.devices.detachRadio(this.options.radio.kind);
    await this.options.radio.stop();
  }

  health(): PartHealth {
    const state = this.stateNow;
    if (state === 'stopped' || state === 'starting') return { status: state };
    if (state === 'running') {
      const health: PartHealth = { ...this.options.radio.health(), breaker: this.guard.state };
      if (this.openDevices.size > 0) health.devicesWithOpenBreaker = [...this.openDevices];
      if (this.guard.state === 'closed') return health;
      return { ...health, status: 'degraded', detail: `circuit breaker ${this.guard.state.replace('_', '-')}: commands fail at once with CIRCUIT_OPEN until the radio answers its probe` };
    }
    const detail = `${state === 'down' ? `down after ${this.attempts - 1} failed restarts, retried every ${Math.round(this.options.restart.maxMs / 1000)} s` : `restarting (attempt ${this.attempts})`}: ${this.lastError ?? ''}`;
    return { status: state === 'down' ? 'down' : 'degraded', detail, attempts: this.attempts };
  }
}
