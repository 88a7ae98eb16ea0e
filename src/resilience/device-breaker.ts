/**
 * One device's circuit breaker, owned by its device actor: commands that fail because of that
 * device alone (the radio's `faultScope` says `device`: no acknowledgement from a dead plug)
 * are counted in a row; at `deviceThreshold` it opens and the device's commands fail at once
 * with CIRCUIT_OPEN, without counting against the radio, whose own breaker (radio-guard.ts)
 * counts only radio faults. A sleeping device whose command waits for its wake-up is no
 * failure. Once the probe delay has passed (it doubles per failed probe up to `probeMaxMs`,
 * with a jitter drawn from the device id, so that devices opened together are not probed
 * together and a passivated actor finds the same delay), the next command first pings the
 * device (the radio's cheap `ping`, never the user's command); if it answers, the breaker
 * closes and the command goes out. A report from the device closes it too: it is alive.
 *
 * Its state is part of the device's persisted state (the state store's `breaker`), written
 * on every change, so neither passivation nor a restart of the hub resets it. cockatiel
 * counts and serialises it (see radio-guard.ts for why cockatiel, and why its half-open delay
 * is 0 with the probe timing kept here).
 */
import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { hashString } from '../collections/sharded-map.js';
import type { RadioKind } from '../model/device-id.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { FaultScope } from '../radios/radio.js';
import { backoffDelay } from '../lifecycle/backoff.js';
import { breakerStateOf, ProbeFailure, type BreakerState, type BreakerTransition } from '../model/breaker-state.js';

export interface DeviceBreakerOptions {
  deviceThreshold: number;
  probeMinMs: number;
  probeMaxMs: number;
}

export interface DeviceBreakerHooks {
  /** The breaker's state changed: persist it (null: closed with no failures counted). */
  persist(snapshot: unknown): void;
  transition(transition: BreakerTransition): void;
  now(): number;
}

/** What a command needs of the device's radio. */
export interface DeviceCall<T> {
  send: () => Promise<T>;
  ping: () => Promise<void>;
  faultScope: (error: unknown) => FaultScope;
}

interface OpenState {
  value: CircuitState;
  openedAt?: number;
  attemptNo?: number;
}

export class DeviceBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private scopeOf: (error: unknown) => FaultScope = () => 'none';
  private persisted: string;
  private lastFault: string | undefined;

  constructor(
    private readonly id: string,
    private readonly radio: RadioKind,
    private readonly options: DeviceBreakerOptions,
    snapshot: unknown,
    private readonly hooks: DeviceBreakerHooks,
  ) {
    this.policy = DeviceBreaker.create(options, snapshot);
    this.persisted = JSON.stringify(snapshot ?? null);
    this.policy.onBreak((reason) => {
      if ('error' in reason) this.lastFault = describeError(reason.error instanceof ProbeFailure ? reason.error.cause : reason.error);
      this.announce('open');
    });
    this.policy.onHalfOpen(() => this.announce('half_open'));
    this.policy.onReset(() => this.announce('closed'));
  }

  /** A breaker from its persisted state; a state this version cannot read starts closed. */
  private static create(options: DeviceBreakerOptions, snapshot: unknown): CircuitBreakerPolicy {
    const make = (initialState?: unknown): CircuitBreakerPolicy =>
      circuitBreaker(
        handleWhen((error) => error instanceof CountedFault),
        {
          halfOpenAfter: 0,
          breaker: new ConsecutiveBreaker(options.deviceThreshold),
          ...(initialState === undefined ? {} : { initialState }),
        },
      );
    if (snapshot === undefined || snapshot === null) return make();
    try {
      return make(snapshot);
    } catch {
      return make();
    }
  }

  get state(): BreakerState {
    return breakerStateOf(this.policy.state);
  }

  /** Sends a command through the breaker: refused while open, preceded by a probe once one is due. */
  async run<T>(call: DeviceCall<T>): Promise<T> {
    this.scopeOf = call.faultScope;
    try {
      if (this.policy.state === CircuitState.HalfOpen) throw this.openError(undefined);
      if (this.policy.state === CircuitState.Open) {
        const due = this.probeDueAt();
        const now = this.hooks.now();
        if (now < due) throw this.openError(due - now);
        try {
          await this.execute(async () => {
            try {
              await call.ping();
            } catch (error) {
              throw new ProbeFailure(error);
            }
          });
        } catch (error) {
          throw this.openError(this.probeDueAt() - this.hooks.now(), error);
        }
      }
      return await this.execute(call.send);
    } finally {
      this.save();
    }
  }

  /** The device was heard from: it is alive, so an open breaker closes. */
  heard(): void {
    if (this.policy.state !== CircuitState.Open) return;
    this.execute(() => Promise.resolve()).then(
      () => this.save(),
      () => undefined,
    );
  }

  /** cockatiel's execute, counting only this device's faults (and failed probes). */
  private execute<T>(fn: () => Promise<T>): Promise<T> {
    return this.policy
      .execute(async () => {
        try {
          return await fn();
        } catch (error) {
          throw error instanceof ProbeFailure || this.scopeOf(error) === 'device' ? new CountedFault(error) : error;
        }
      })
      .catch((error: unknown) => {
        throw error instanceof CountedFault ? error.cause : error;
      });
  }

  private own(): OpenState {
    return (this.policy.toJSON() as { ownState: OpenState }).ownState;
  }

  /** When an open breaker may be probed: after a delay doubling per failed probe, jittered by the device id. */
  private probeDueAt(): number {
    const { openedAt = 0, attemptNo = 1 } = this.own();
    const jitter = (hashString(`${this.id}#${attemptNo}`) % 1024) / 1024;
    return openedAt + backoffDelay(this.options.probeMinMs, this.options.probeMaxMs, attemptNo - 1, () => jitter);
  }

  private openError(retryInMs: number | undefined, cause?: unknown): HearthError {
    const retry =
      retryInMs === undefined
        ? 'a probe is under way'
        : `the device is probed again in ${Math.max(0, Math.round(retryInMs / 1000))} s or when it is heard from`;
    return new HearthError(
      ErrorCode.CircuitOpen,
      `${this.id}: the device's circuit breaker is open after ${this.options.deviceThreshold} failed commands in a row${this.lastFault === undefined ? '' : ` (last: ${this.lastFault})`}; ${retry}`,
      cause === undefined ? undefined : { cause },
    );
  }

  private announce(state: BreakerState): void {
    const transition: BreakerTransition = { scope: 'device', radio: this.radio, device: this.id, state };
    if (state === 'open') {
      if (this.lastFault !== undefined) transition.error = this.lastFault;
      transition.retryInMs = Math.max(0, this.probeDueAt() - this.hooks.now());
    }
    this.hooks.transition(transition);
  }

  /** Persists the state when it changed; a closed breaker with nothing counted is stored as null. */
  private save(): void {
    const json = this.policy.toJSON() as { ownState: OpenState; breakerState: unknown };
    const snapshot =
      json.ownState.value === CircuitState.Closed && (json.breakerState === 0 || json.breakerState === undefined) ? null : json;
    const text = JSON.stringify(snapshot);
    if (text === this.persisted) return;
    this.persisted = text;
    this.hooks.persist(snapshot);
  }
}

/** A failure that counts against the breaker (cockatiel's handler counts exactly these). */
class CountedFault extends Error {
  constructor(cause: unknown) {
    super('counted', { cause });
  }
}
