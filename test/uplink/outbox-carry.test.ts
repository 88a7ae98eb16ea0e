/**
 * The outbox under `store.maxLossMs` pacing, on a fake clock: a message sent just before its
 * batch is written is carried to the next commit once, so one the broker acknowledges a moment
 * later costs the journal nothing; one it does not is written by the next commit, within the
 * bound, and its enqueue promise resolves only once it is on disk (a new life recovers it).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diskStats } from '../../src/store/disk-stats.js';
import { Outbox, type OutgoingMessage } from '../../src/uplink/outbox.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
const state = (device: string, brightness: number): OutgoingMessage => ({
  topic: `hearth/hub/${device}`,
  payload: JSON.stringify({ brightness }),
  retain: true,
  kind: 'state',
});
const open = (dir: string) => Outbox.open({ dir, log: silent, maxBytes: 1024 * 1024, batchIntervalMs: 20, maxLossMs: 1000 });

describe('outbox paced by store.maxLossMs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes nothing for a message the broker acknowledges just after its batch', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const outbox = await open(await tempDir());
    const fsyncs = diskStats.fsyncs;
    let resolved = false;
    void outbox.enqueue(state('lamp', 1)).then(() => (resolved = true));
    const [sent] = outbox.take(10);
    await vi.advanceTimersByTimeAsync(20); // its batch: the message is 20 ms old and in flight
    expect(resolved).toBe(false);
    void outbox.ack(sent?.seq ?? -1);
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitUntil(() => resolved);
    expect(diskStats.fsyncs - fsyncs).toBe(0);
    vi.useRealTimers();
    await outbox.close();
  });

  it('writes a message that stays unacknowledged by the next commit, within the bound, and only then resolves', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const dir = await tempDir();
    const outbox = await open(dir);
    const enqueuedAt = Date.now();
    let onDiskAt: number | undefined;
    void outbox.enqueue(state('lamp', 2)).then(() => (onDiskAt = Date.now()));
    outbox.take(10); // sent; the broker never answers
    await vi.advanceTimersByTimeAsync(20);
    expect(onDiskAt).toBeUndefined(); // carried, not yet on disk
    for (let step = 0; step < 50 && onDiskAt === undefined; step++) {
      await vi.advanceTimersByTimeAsync(20);
      // the write is real I/O: give it time before the clock moves on
      for (let i = 0; i < 200 && onDiskAt === undefined; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitUntil(() => onDiskAt !== undefined, { timeout: 60_000 });
    expect((onDiskAt ?? Infinity) - enqueuedAt).toBeLessThanOrEqual(1000);
    vi.useRealTimers();
    const next = await open(dir);
    expect(next.pending().map((m) => m.payload)).toEqual(['{"brightness":2}']);
    await next.close();
    await outbox.close();
  });
});
