/**
 * The radio's circuit breaker and bulkhead: every command and device ping to one radio passes
 * through here. Radio faults (its controller timed out, its port failed: the radio's own
 * `faultScope` says which errors those are, and a command still unanswered after
 * `commandTimeoutMs` is one) are counted in a row; at `threshold` the breaker opens and every
 * command to that radio fails at once with CIRCUIT_OPEN, whatever device it is for. While open,
 * the radio is probed with its cheap `probe()` (a controller query, never a user's command)
 * after a delay that doubles per failed probe, with jitter, up to `probeMaxMs`; the first probe
 * that answers closes it; after `restartAfterProbes` failed probes in a row the radio's driver
 * is presumed stuck and handed to the radio's supervision for a restart. The bulkhead bounds the commands in flight (`maxConcurrent`) and
 * waiting (`maxQueued`, past it RADIO_BUSY), so a network that just came back is not flooded.
 *
 * Built on cockatiel (connor4312/cockatiel): its ConsecutiveBreaker counts and moves the
 * breaker between closed, open and half-open and serialises that state; its bulkhead does the
 * limiting; it keeps no timers of its own. cockatiel would make the next user call after the
 * half-open delay the probe; we want a cheap probe instead, on a timer so that the radio
 * recovers with nobody sending, so its half-open delay is 0, no user call reaches it unless
 * it is closed (`gate`), and the probes are scheduled here. cockatiel 3 (4 needs Node 22).
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Logger } from 'pino';
import type { BreakerOptions } from '../config/schema.js';
import type { RadioKind } from '../model/device-id.js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../errors.js';
import type { Radio } from '../radios/radio.js';
import { backoffDelay } from '../lifecycle/backoff.js';
import { breakerStateOf, ProbeFailure, type BreakerState, type BreakerTransition } from '../model/breaker-state.js';

export interface RadioGuardOptions {
  radio: Pick<Radio, 'kind' | 'faultScope' | 'probe'>;
  options: BreakerOptions;
  log: Logger;
  /** Hears every change of the radio's breaker (bridge/event, metrics). */
  onTransition(transition: BreakerTransition): void;
  /** The radio failed `restartAfterProbes` probes in a row: its driver is presumed stuck and is restarted. */
  onStuck?(fault: string): void;
  random?: () => number;
}

export interface RadioGuardStats {
  opens: number;
  probes: number;
  probeFailures: number;
  /** Commands refused at once because the breaker was open. */
  rejected: number;
  /** Commands refused because the bulkhead's queue was full. */
  busy: number;
  /** Commands running inside the bulkhead now. */
  inFlight: number;
}

export class RadioGuard {
  readonly kind: RadioKind;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private probeTimer: NodeJS.Timeout | undefined;
  private failedProbes = 0;
  private probing = false;
  private lastFault: string | undefined;
  private stopped = false;
  readonly stats: RadioGuardStats = { opens: 0, probes: 0, probeFailures: 0, rejected: 0, busy: 0, inFlight: 0 };

  constructor(private readonly guard: RadioGuardOptions) {
    const { radio, options } = guard;
    this.kind = radio.kind;
    this.breaker = circuitBreaker(
      handleWhen(
        (error) => error instanceof ProbeFailure || isHearthError(error, ErrorCode.Timeout) || radio.faultScope(error) === 'radio',
      ),
      { halfOpenAfter: 0, breaker: new ConsecutiveBreaker(options.threshold) },
    );
    this.breaker.onBreak((reason) => this.broke('error' in reason ? reason.error : undefined));
    this.breaker.onHalfOpen(() => this.transition('half_open'));
    this.breaker.onReset(() => {
      this.failedProbes = 0;
      this.lastFault = undefined;
      this.guard.log.info(`${this.kind}: the radio answers again; its breaker is closed`);
      this.transition('closed');
    });
    this.bulkhead = bulkhead(options.maxConcurrent, options.maxQueued);
  }

  get state(): BreakerState {
    return breakerStateOf(this.breaker.state);
  }

  /** Runs one command (or device ping) on the radio, behind the breaker and the bulkhead. */
  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.gate(what);
    try {
      return await this.bulkhead.execute(() => {
        // the breaker may have opened while this waited in the bulkhead's queue
        this.gate(what);
        return this.breaker.execute(() => this.timed(what, fn));
      });
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        this.stats.busy++;
        throw new HearthError(
          ErrorCode.RadioBusy,
          `${what}: the ${this.kind} radio has ${this.guard.options.maxConcurrent} commands in flight and ${this.guard.options.maxQueued} waiting; try again later`,
        );
      }
      if (error instanceof BrokenCircuitError) throw this.openError(what);
      throw error;
    }
  }

  /** Refuses at once while the breaker is not closed (a half-open breaker is busy with its probe). */
  private gate(what: string): void {
    if (this.breaker.state === CircuitState.Closed) return;
    this.stats.rejected++;
    throw this.openError(what);
  }

  private openError(what: string): HearthError {
    return new HearthError(
      ErrorCode.CircuitOpen,
      `${what}: the ${this.kind} radio's circuit breaker is open after ${this.guard.options.threshold} radio faults in a row${this.lastFault === undefined ? '' : ` (last: ${this.lastFault})`}; it is probed and closes by itself when the radio answers`,
    );
  }

  private async timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const ms = this.guard.options.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    this.stats.inFlight++;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new HearthError(ErrorCode.Timeout, `${what}: the ${this.kind} radio did not answer within ${ms} ms`)),
            ms,
          );
        }),
      ]);
    } finally {
      this.stats.inFlight--;
      clearTimeout(timer);
    }
  }

  private broke(error: unknown): void {
    if (error !== undefined) this.lastFault = describeError(error instanceof ProbeFailure ? error.cause : error);
    if (this.probing) {
      this.failedProbes++;
      this.stats.probeFailures++;
      if (this.failedProbes % this.guard.options.restartAfterProbes === 0) {
        this.guard.log.warn(
          { fault: this.lastFault },
          `${this.kind}: the radio failed ${this.failedProbes} probes in a row; restarting it`,
        );
        this.guard.onStuck?.(this.lastFault ?? 'no answer to its probes');
      }
    } else {
      this.stats.opens++;
      this.guard.log.error(
        { fault: this.lastFault },
        `${this.kind}: ${this.guard.options.threshold} radio faults in a row; the radio's breaker opens and its commands fail at once (last: ${this.lastFault ?? 'unknown'})`,
      );
    }
    const { probeMinMs, probeMaxMs } = this.guard.options;
    const delay = backoffDelay(probeMinMs, probeMaxMs, this.failedProbes, this.guard.random);
    this.transition('open', delay);
    this.scheduleProbe(delay);
  }

  private scheduleProbe(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.probe();
    }, delay);
    this.probeTimer.unref();
  }

  /** One half-open probe: the radio's cheap controller query, through the breaker. */
  private async probe(): Promise<void> {
    if (this.stopped || this.breaker.state !== CircuitState.Open) return;
    this.stats.probes++;
    this.probing = true;
    try {
      await this.breaker.execute(() =>
        this.timed('probe', () =>
          this.guard.radio.probe().catch((error: unknown) => {
            throw new ProbeFailure(error);
          }),
        ),
      );
    } catch (error) {
      // the breaker opened again (onBreak counted it and scheduled the next probe)
      this.guard.log.debug({ err: error }, `${this.kind}: the radio's probe failed: ${describeError(error)}`);
    } finally {
      this.probing = false;
    }
  }

  /** The radio was restarted: probe it now rather than at the next backoff step. */
  probeSoon(): void {
    if (this.breaker.state === CircuitState.Open) this.scheduleProbe(0);
  }

  private transition(state: BreakerState, retryInMs?: number): void {
    const transition: BreakerTransition = { scope: 'radio', radio: this.kind, state };
    if (state === 'open') {
      if (this.lastFault !== undefined) transition.error = this.lastFault;
      if (retryInMs !== undefined) transition.retryInMs = retryInMs;
    }
    this.guard.onTransition(transition);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }
}
