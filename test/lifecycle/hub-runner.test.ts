import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, isHearthError } from '../../src/errors.js';
import { HubRunner } from '../../src/lifecycle/hub-runner.js';
import { abortableDelay, type Part, type PartHealth } from '../../src/lifecycle/part.js';

const silent = pino({ level: 'silent' });

/** A part that records what happens to it; its behaviour is set per test. */
class RecordingPart implements Part {
  status: PartHealth['status'] = 'ok';
  constructor(
    readonly name: string,
    private readonly events: string[],
    private readonly behaviour: { startMs?: number; failStart?: boolean; ignoreAbort?: boolean; hangOnStop?: boolean } = {},
  ) {}
  async start(signal: AbortSignal): Promise<void> {
    this.events.push(`start ${this.name}`);
    if (this.behaviour.startMs !== undefined) {
      await abortableDelay(this.behaviour.startMs, this.behaviour.ignoreAbort === true ? new AbortController().signal : signal);
    }
    if (this.behaviour.failStart === true) throw new Error('serial port /dev/ttyACM0 vanished');
    this.events.push(`started ${this.name}`);
  }
  async stop(): Promise<void> {
    this.events.push(`stop ${this.name}`);
    if (this.behaviour.hangOnStop === true) await new Promise(() => undefined);
  }
  health(): PartHealth {
    return { status: this.status };
  }
}

describe('HubRunner', () => {
  it('starts parts in order and stops them in reverse', async () => {
    const events: string[] = [];
    const runner = new HubRunner(
      [new RecordingPart('a', events), new RecordingPart('b', events), new RecordingPart('c', events)],
      silent,
      1000,
    );
    expect(await runner.start()).toBe(true);
    expect(runner.health().status).toBe('ok');
    await runner.stop();
    expect(events).toEqual(['start a', 'started a', 'start b', 'started b', 'start c', 'started c', 'stop c', 'stop b', 'stop a']);
    expect(runner.health().status).toBe('stopped');
  });

  it('names the part that failed to start and stops the ones already started', async () => {
    const events: string[] = [];
    const runner = new HubRunner(
      [new RecordingPart('a', events), new RecordingPart('zigbee', events, { failStart: true }), new RecordingPart('c', events)],
      silent,
      1000,
    );
    const error: unknown = await runner.start().catch((e: unknown) => e);
    expect(isHearthError(error, ErrorCode.PartStartFailed)).toBe(true);
    expect((error as Error).message).toBe('zigbee failed to start: serial port /dev/ttyACM0 vanished');
    expect(events).toEqual(['start a', 'started a', 'start zigbee', 'stop a']);
  });

  it('aborts a part that is starting when a stop is requested, and never starts the rest', async () => {
    const events: string[] = [];
    const runner = new HubRunner(
      [new RecordingPart('a', events), new RecordingPart('slow', events, { startMs: 60_000 }), new RecordingPart('c', events)],
      silent,
      1000,
    );
    const started = runner.start();
    await vi.waitFor(() => expect(events).toContain('start slow'));
    expect(runner.health()).toMatchObject({ status: 'starting', parts: { a: { status: 'ok' }, c: { status: 'starting' } } });
    await runner.stop();
    expect(await started).toBe(false);
    expect(events).toEqual(['start a', 'started a', 'start slow', 'stop a']);
  });

  it('bounds stopping: a part that hangs is named in PART_STOP_TIMEOUT', async () => {
    const events: string[] = [];
    const runner = new HubRunner([new RecordingPart('a', events), new RecordingPart('radio', events, { hangOnStop: true })], silent, 200);
    await runner.start();
    const began = performance.now();
    const error: unknown = await runner.stop().catch((e: unknown) => e);
    expect(isHearthError(error, ErrorCode.PartStopTimeout)).toBe(true);
    expect((error as Error).message).toBe('stopping did not finish within 200 ms; still waiting for radio');
    expect(performance.now() - began).toBeGreaterThanOrEqual(150);
  });

  it('bounds stopping during a start that ignores its abort signal', async () => {
    const events: string[] = [];
    const runner = new HubRunner([new RecordingPart('stubborn', events, { startMs: 60_000, ignoreAbort: true })], silent, 200);
    void runner.start();
    const error: unknown = await runner.stop().catch((e: unknown) => e);
    expect((error as Error).message).toBe('stopping did not finish within 200 ms; still waiting for stubborn to give up starting');
  });

  it('reports degraded when a part is, and down when a part is down', async () => {
    const events: string[] = [];
    const a = new RecordingPart('a', events);
    const b = new RecordingPart('b', events);
    const runner = new HubRunner([a, b], silent, 1000);
    await runner.start();
    b.status = 'degraded';
    expect(runner.health().status).toBe('degraded');
    a.status = 'down';
    expect(runner.health().status).toBe('down');
    await runner.stop();
  });
});
