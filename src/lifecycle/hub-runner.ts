/**
 * Runs an ordered list of parts: starts them one after another, stops them in reverse, and
 * keeps stop bounded. A stop request during start-up aborts the part that is starting and
 * stops those already started. A part that fails to start stops the others and surfaces as
 * PART_START_FAILED naming it; a part that does not stop in time is named in PART_STOP_TIMEOUT.
 */
import type { Logger } from 'pino';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { HealthStatus, Part, PartHealth } from './part.js';

export interface HubHealth {
  status: HealthStatus;
  parts: Record<string, PartHealth>;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export class HubRunner {
  private readonly started: Part[] = [];
  private readonly startAbort = new AbortController();
  private phase: Phase = 'idle';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private current: Part | undefined;

  constructor(
    private readonly parts: readonly Part[],
    private readonly log: Logger,
    private readonly stopTimeoutMs: number,
  ) {}

  get state(): Phase {
    return this.phase;
  }

  /** Starts every part in order. Resolves false when a stop request cut start-up short. */
  start(): Promise<boolean> {
    if (this.phase !== 'idle') throw new Error(`hub runner already ${this.phase}`);
    this.phase = 'starting';
    const run = this.startAll();
    this.starting = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async startAll(): Promise<boolean> {
    const signal = this.startAbort.signal;
    for (const part of this.parts) {
      if (signal.aborted) return false;
      this.current = part;
      const began = performance.now();
      this.log.debug({ part: part.name }, 'starting part');
      try {
        await part.start(signal);
      } catch (error) {
        if (signal.aborted) {
          this.log.info({ part: part.name }, 'start-up interrupted by a stop request');
          return false;
        }
        this.log.error({ part: part.name, err: error }, `part ${part.name} failed to start: ${describeError(error)}`);
        await this.stopStarted();
        this.phase = 'stopped';
        throw new HearthError(ErrorCode.PartStartFailed, `${part.name} failed to start: ${describeError(error)}`, { cause: error });
      } finally {
        this.current = undefined;
      }
      this.started.push(part);
      this.log.debug({ part: part.name, ms: Math.round(performance.now() - began) }, 'part started');
    }
    if (signal.aborted) return false;
    this.phase = 'running';
    return true;
  }

  /**
   * Stops what runs, in reverse order, within the bound. Safe to call at any phase and more
   * than once. Rejects with PART_STOP_TIMEOUT naming the part that hung.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopWithinBound();
    return this.stopping;
  }

  private async stopWithinBound(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let hanging = 'start-up';
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new HearthError(
            ErrorCode.PartStopTimeout,
            `stopping did not finish within ${this.stopTimeoutMs} ms; still waiting for ${hanging}`,
          ),
        );
      }, this.stopTimeoutMs);
      timer.unref();
    });
    const work = (async () => {
      this.startAbort.abort(new HearthError(ErrorCode.StartAborted, 'start-up aborted by a stop request'));
      if (this.starting !== undefined) {
        hanging = this.current === undefined ? 'start-up' : `${this.current.name} to give up starting`;
        await this.starting;
      }
      this.phase = 'stopping';
      await this.stopStarted((name) => (hanging = name));
    })();
    try {
      await Promise.race([work, timeout]);
      this.phase = 'stopped';
    } finally {
      clearTimeout(timer);
    }
  }

  private async stopStarted(onPart?: (name: string) => void): Promise<void> {
    while (this.started.length > 0) {
      const part = this.started.pop();
      if (part === undefined) break;
      onPart?.(part.name);
      try {
        await part.stop();
        this.log.debug({ part: part.name }, 'part stopped');
      } catch (error) {
        this.log.error({ part: part.name, err: error }, `part ${part.name} failed to stop cleanly: ${describeError(error)}`);
      }
    }
  }

  health(): HubHealth {
    const parts: Record<string, PartHealth> = {};
    for (const part of this.parts) {
      const wasStarted = this.started.includes(part);
      parts[part.name] =
        wasStarted || part === this.current
          ? part.health()
          : { status: this.phase === 'stopped' || this.phase === 'stopping' ? 'stopped' : 'starting' };
    }
    return { status: this.overall(parts), parts };
  }

  private overall(parts: Record<string, PartHealth>): HealthStatus {
    if (this.phase === 'starting' || this.phase === 'idle') return 'starting';
    if (this.phase === 'stopping' || this.phase === 'stopped') return 'stopped';
    const statuses = Object.values(parts).map((part) => part.status);
    if (statuses.includes('down')) return 'down';
    if (statuses.some((status) => status !== 'ok')) return 'degraded';
    return 'ok';
  }
}
