/**
 * The skeleton the three radios share, so that they differ only in what their library does: the
 * radio's life (stopped → starting → ready, and failed when it died while running), the guard
 * that refuses work while it is not ready, health in one shape (its own details beside the last
 * radio-wide error), the not-found and still-interviewing errors of a device lookup, and the log
 * of a command that waited in the radio's queue for a sleeping device.
 */
import type { Logger } from 'pino';
import { describeError, ErrorCode, HearthError, isHearthError } from '../errors.js';
import type { PartHealth } from '../lifecycle/part.js';
import { parseDeviceId, type ParsedDeviceId, type RadioKind } from '../model/device-id.js';
import { hubFaultScope } from './fault-scope.js';
import type { FaultScope, RadioListener } from './radio.js';

/** Where a radio is in its life. */
export type RadioPhase = 'stopped' | 'starting' | 'ready' | 'failed';

const LABELS: Record<RadioKind, string> = { zwave: 'Z-Wave', zigbee: 'Zigbee', gpio: 'GPIO' };

export abstract class RadioSkeleton<K extends RadioKind> {
  /** How messages name the radio: Z-Wave, Zigbee, GPIO. */
  protected readonly label: string;
  protected listener: RadioListener | undefined;
  private current: RadioPhase = 'stopped';
  /** The last radio-wide error while running (health says degraded while it stands). */
  protected lastError: string | undefined;
  /** Commands waiting in the library's queue for a sleeping device (`followQueued`). */
  private readonly queued = new Set<{ deviceId: string; done: boolean }>();

  protected constructor(
    readonly kind: K,
    protected readonly log: Logger,
  ) {
    this.label = LABELS[kind];
  }

  protected get phase(): RadioPhase {
    return this.current;
  }

  protected get isReady(): boolean {
    return this.current === 'ready';
  }

  /** At the start of `start`: the listener events go to from now on. */
  protected starting(listener: RadioListener): void {
    this.listener = listener;
    this.current = 'starting';
  }

  /** The radio answers: commands are taken, and what went wrong before is over. */
  protected becameReady(): void {
    this.current = 'ready';
    this.lastError = undefined;
  }

  /** At the start of `stop` (and when a start gave up). */
  protected stopping(): void {
    this.current = 'stopped';
  }

  /**
   * The radio died while running (its driver gave up, its coordinator disconnected): the hub is
   * told once and restarts it. False when it was not running (a start that fails says so itself).
   */
  protected died(error: unknown): boolean {
    if (this.current !== 'ready') return false;
    this.current = 'failed';
    this.lastError = describeError(error);
    this.listener?.failed(error);
    return true;
  }

  /** Throws RADIO_UNAVAILABLE unless the radio is ready. */
  protected requireReady(): void {
    if (!this.isReady) throw new HearthError(ErrorCode.RadioUnavailable, `the ${this.label} radio is not ready`);
  }

  /** The parsed id of one of this radio's devices; DEVICE_NOT_FOUND for another radio's id. */
  protected ownId(deviceId: string): Extract<ParsedDeviceId, { radio: K }> {
    const parsed = parseDeviceId(deviceId);
    if (parsed.radio !== this.kind) throw this.notFound(deviceId);
    return parsed as Extract<ParsedDeviceId, { radio: K }>;
  }

  protected notFound(deviceId: string): HearthError {
    return new HearthError(ErrorCode.DeviceNotFound, `${deviceId} is not in the ${this.label} network`);
  }

  protected stillInterviewing(deviceId: string): HearthError {
    return new HearthError(ErrorCode.DeviceNotReady, `${deviceId} is still being interviewed; try again when it is ready`);
  }

  /**
   * Follows a command that waits in the library's queue for a sleeping device (`when`: "woke
   * up", "checked in"): logs how it ended, and a failure is the usual `command_failed`. One still
   * waiting when the radio stops fails then (`failQueued`): a library that keeps it only in
   * memory (herdsman) would drop it without a word.
   */
  protected followQueued<T>(deviceId: string, outcome: Promise<T>, when: string, reached?: (value: T) => void): void {
    const entry = { deviceId, done: false };
    this.queued.add(entry);
    outcome
      .then((value) => {
        if (entry.done) return;
        this.log.info({ device: deviceId }, `a queued command reached ${deviceId} when it ${when}`);
        reached?.(value);
      })
      .catch((error: unknown) => {
        if (!entry.done)
          this.queuedFailed(deviceId, isHearthError(error) ? error.code : ErrorCode.RadioCommandFailed, describeError(error));
      })
      .finally(() => {
        entry.done = true;
        this.queued.delete(entry);
      });
  }

  /** At stop: every command still waiting for its device fails (RADIO_UNAVAILABLE), with the usual event. */
  protected failQueued(): void {
    for (const entry of this.queued) {
      entry.done = true;
      this.queuedFailed(entry.deviceId, ErrorCode.RadioUnavailable, `the ${this.label} radio stopped before the device took it`);
    }
    this.queued.clear();
  }

  private queuedFailed(deviceId: string, code: string, why: string): void {
    const message = `a queued command for ${deviceId} failed: ${why}`;
    this.log.warn({ device: deviceId, code }, message);
    this.listener?.commandFailed?.(deviceId, { code, message });
  }

  /** The radio's own figures for health while it runs (devices, pins, …); may throw while its library recovers. */
  protected abstract healthDetail(): Record<string, unknown>;

  health(): PartHealth {
    if (this.current === 'stopped') return { status: 'stopped' };
    if (this.current === 'starting') return { status: 'starting' };
    if (this.current === 'failed') return { status: 'down', detail: this.lastError ?? `the ${this.label} radio failed` };
    let detail: Record<string, unknown>;
    try {
      detail = this.healthDetail();
    } catch (error) {
      // the library is reopening its port (its controller is not ready meanwhile): health never throws
      return { status: 'degraded', detail: `the ${this.label} controller is not ready: ${describeError(error)}` };
    }
    return this.lastError === undefined ? { status: 'ok', ...detail } : { status: 'degraded', detail: this.lastError, ...detail };
  }

  /** Which breaker a failure counts against; a radio adds the codes of its library. */
  faultScope(error: unknown): FaultScope {
    return hubFaultScope(error);
  }
}
