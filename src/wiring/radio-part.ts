/**
 * A radio as a part of the hub: starts, supervises and stops it, and joins it to the devices
 * part through its device adapter (./device-adapter.ts) and its breaker events
 * (./breaker-events.ts).
 *
 * Supervision: a radio that cannot start (a stick not plugged in) or that dies while running
 * (its driver gave up) does not stop the hub. Its devices are marked offline, and it is
 * restarted with exponential backoff and jitter (`radios.restart`); after `maxAttempts` failed
 * restarts in a row it counts as down (health, `bridge/health`) and is retried at the cap
 * interval forever. Every change of its state is a `bridge/event` `radio_state`.
 *
 * Breakers: every command and device ping goes through the radio's guard (its breaker and
 * bulkhead, src/resilience/radio-guard.ts); each device's own breaker lives in its actor.
 * The radio's breaker shows in its health too.
 */
import type { Logger } from 'pino';
import type { DeviceService } from '../devices/device-service.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import type { BreakerOptions } from '../config/schema.js';
import { backoffDelay } from '../lifecycle/backoff.js';
import { RadioGuard } from '../resilience/radio-guard.js';
import type { ResilienceMetrics } from '../resilience/resilience-metrics.js';
import type { Radio } from '../radios/radio.js';
import { DeferredRadio } from '../radios/deferred-radio.js';
import { BreakerEvents } from './breaker-events.js';
import { emitBridgeEvent } from './bridge-event.js';
import { RadioDeviceAdapter } from './device-adapter.js';
import { RadioFailureLog } from './radio-failure-log.js';
import { RadioSettling } from './radio-settling.js';

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
  /** `radios.settleMaxS` in ms: how long the radio may take to announce the devices it knew at start. */
  settleMaxMs: number;
  /** The radio's breakers and bulkhead; config's defaults for its kind when absent. */
  breaker: BreakerOptions;
  metrics?: ResilienceMetrics;
  random?: () => number;
  /** The serial port config names for it (`radios.<radio>.serialPort`); none for a simulated radio. Shown in its health as `serial_port`. */
  serialPort?: string;
}

/** running: up; restarting: failed, a restart is due; down: failed `maxAttempts` restarts in a row (retried at the cap). */
export type RadioState = 'stopped' | 'starting' | 'running' | 'restarting' | 'down';

export class RadioPart implements Part {
  readonly name: string;
  private stateNow: RadioState = 'stopped';
  /** Failed starts in a row. */
  private attempts = 0;
  private lastError: string | undefined;
  /** The coded error's code of the last failure (SERIAL_PORT_MISSING, …), when it had one. */
  private lastCode: string | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopping = false;
  readonly guard: RadioGuard;
  private readonly breakers: BreakerEvents;
  private readonly adapter: RadioDeviceAdapter;
  private readonly failures: RadioFailureLog;
  private readonly settling: RadioSettling;

  constructor(private readonly options: RadioPartOptions) {
    this.name = `radios.${options.radio.kind}`;
    this.failures = new RadioFailureLog(options.log, options.radio.kind);
    this.settling = new RadioSettling(options.devices.events, options.radio.kind, options.settleMaxMs);
    this.breakers = new BreakerEvents({
      kind: options.radio.kind,
      devices: options.devices,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    });
    const guardOptions: ConstructorParameters<typeof RadioGuard>[0] = {
      radio: options.radio,
      options: options.breaker,
      log: options.log,
      onTransition: (transition) => this.breakers.changed(transition),
      onStuck: (fault) =>
        this.restart(
          new HearthError(
            ErrorCode.RadioUnavailable,
            `the ${options.radio.kind} radio did not answer ${options.breaker.restartAfterProbes} probes in a row (${fault})`,
          ),
        ),
    };
    if (options.random !== undefined) guardOptions.random = options.random;
    this.guard = new RadioGuard(guardOptions);
    this.adapter = new RadioDeviceAdapter({
      radio: options.radio,
      devices: options.devices,
      log: options.log,
      guard: this.guard,
      running: () => this.stateNow === 'running',
      unavailable: () =>
        new HearthError(
          ErrorCode.RadioUnavailable,
          `the ${options.radio.kind} radio is ${this.stateNow}${this.lastError === undefined ? '' : ` (${this.lastError})`}`,
        ),
      failed: (error) => this.restart(error),
      stopping: () => this.stopping,
    });
    options.metrics?.watch(this.guard);
    options.metrics?.radioState(options.radio.kind, 'stopped');
  }

  private setState(state: RadioState): void {
    this.stateNow = state;
    this.options.metrics?.radioState(this.options.radio.kind, state);
  }

  /** The radio (once its library is loaded, the one its factory built; see deferred-radio.ts). */
  get radio(): Radio {
    const { radio } = this.options;
    return radio instanceof DeferredRadio ? (radio.current ?? radio) : radio;
  }

  get state(): RadioState {
    return this.stateNow;
  }

  async start(signal: AbortSignal): Promise<void> {
    this.stopping = false;
    this.adapter.attach(this.name);
    this.breakers.listen(this.name);
    this.setState('starting');
    await this.attempt(signal);
  }

  /** One start of the radio; a failure schedules the next (unless the hub is stopping). */
  private async attempt(signal: AbortSignal): Promise<void> {
    const { radio, log } = this.options;
    this.settling.begin();
    try {
      await radio.start(this.adapter.listener(), signal);
    } catch (error) {
      this.settling.end();
      if (signal.aborted || this.stopping) throw error;
      await radio.stop().catch(() => undefined); // whatever it opened before failing
      this.failed(error);
      return;
    }
    if (this.stopping) return;
    this.settling.started(radio.announced?.());
    const recovered = this.attempts > 0;
    this.attempts = 0;
    this.lastError = undefined;
    this.lastCode = undefined;
    this.setState('running');
    this.failures.recovered();
    this.guard.probeSoon();
    if (recovered) {
      log.info(`${radio.kind}: the radio runs again`);
      emitBridgeEvent(this.options.devices, 'radio_state', { radio: radio.kind, state: 'running' });
    }
  }

  /** The radio failed to start or died: its devices go offline, and a restart is scheduled. */
  private failed(error: unknown): void {
    const { radio, devices } = this.options;
    const policy = this.options.restart;
    this.lastError = describeError(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    this.lastCode = typeof code === 'string' ? code : undefined;
    this.attempts++;
    const givenUp = this.attempts > policy.maxAttempts;
    this.setState(givenUp ? 'down' : 'restarting');
    const delay = givenUp ? policy.maxMs : backoffDelay(policy.minMs, policy.maxMs, this.attempts - 1, this.options.random);
    this.failures.failed(error, { attempts: this.attempts, retryInMs: delay, down: givenUp });
    emitBridgeEvent(devices, 'radio_state', {
      radio: radio.kind,
      state: this.stateNow,
      error: this.lastError,
      attempts: this.attempts,
      retry_in_ms: delay,
    });
    for (const record of devices.records()) if (record.radio === radio.kind) devices.availability(record.id, false);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      // a restart that fails as the hub stops has nobody to tell (start's own attempt throws to its caller)
      this.attempt(new AbortController().signal).catch((error: unknown) =>
        this.options.log.debug({ err: error }, `${this.options.radio.kind}: a restart failed as the hub stopped`),
      );
    }, delay);
    this.retry.unref();
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

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
    this.setState('stopped');
    this.settling.end();
    this.guard.stop();
    this.options.devices.events.removeOwner(this.name);
    this.options.devices.detachRadio(this.options.radio.kind);
    await this.options.radio.stop();
  }

  /** Its health, with the serial port it is configured on (a warning can name it). */
  health(): PartHealth {
    const health = this.stateHealth();
    return this.options.serialPort === undefined ? health : { ...health, serial_port: this.options.serialPort };
  }

  private stateHealth(): PartHealth {
    const state = this.stateNow;
    if (state === 'stopped' || state === 'starting') return { status: state };
    if (state === 'running') {
      const health: PartHealth = { ...this.options.radio.health(), breaker: this.guard.state };
      const openDevices = this.breakers.devicesWithOpenBreaker();
      if (openDevices.length > 0) health.devicesWithOpenBreaker = openDevices;
      if (this.guard.state === 'closed') return health;
      return {
        ...health,
        status: 'degraded',
        detail: `circuit breaker ${this.guard.state.replace('_', '-')}: commands fail at once with CIRCUIT_OPEN until the radio answers its probe`,
      };
    }
    const detail = `${state === 'down' ? `down after ${this.attempts - 1} failed restarts, retried every ${Math.round(this.options.restart.maxMs / 1000)} s` : `restarting (attempt ${this.attempts})`}: ${this.lastError ?? ''}`;
    return {
      status: state === 'down' ? 'down' : 'degraded',
      detail,
      attempts: this.attempts,
      ...(this.lastCode === undefined ? {} : { error_code: this.lastCode }),
    };
  }
}
