/**
 * The outbox's timed commit waits a short grace for messages in flight: one the broker
 * acknowledges then costs no write at all. One still in flight after it is carried to the next
 * batch: acknowledged before that, it costs no write either; never acknowledged, it is written
 * before its bound (`maxLossMs` from when it came), and what is on disk comes back after a
 * restart. A flush does not wait.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutgoingMessage } from '../../src/uplink/outbox.js';
import { Outbox } from '../../src/uplink/outbox.js';
import { journalEntries } from '../support/journal-on-disk.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
const message = (n: number): OutgoingMessage => ({
  topic: `hearth/hub/remote${n}/action`,
  payload: `{"n":${n}}`,
  retain: false,
  kind: 'event',
});
const open = (dir: string) => Outbox.open({ dir, log: silent, maxBytes: 1_000_000, batchIntervalMs: 100, maxLossMs: 1000 });
const topicsOnDisk = async (dir: string) =>
  ((await journalEntries(dir)) as { o: string; m?: [number, string][] }[]).flatMap((entry) => (entry.m ?? []).map((packed) => packed[1]));

/** Lets the journal's real file I/O run (the fake clock standing still) until `done`, `ms` at most (an absence: what a write takes). */
async function settle(done: () => boolean, ms = 5000): Promise<void> {
  const until = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  while (!done() && process.hrtime.bigint() < until) await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('outbox commits for flash', () => {
  it('writes nothing for a message acknowledged within the grace, and writes one that is not', async () => {
    const dir = await tempDir();
    const outbox = await open(dir);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });

    // sent at once, acknowledged just after the batch timer ran out: the commit waited for it
    const first = outbox.enqueue(message(1));
    const [sent] = outbox.take(1);
    await vi.advanceTimersByTimeAsync(110);
    void outbox.ack(sent?.seq as number);
    vi.useRealTimers();
    await first;
    expect(await topicsOnDisk(dir)).toEqual([]);

    // sent, never acknowledged: carried from batch to batch while its acknowledgement may still
    // come, and on disk before its bound (1,000 ms after it came)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    let written = false;
    const second = outbox.enqueue(message(2)).then(() => (written = true));
    outbox.take(1);
    await vi.advanceTimersByTimeAsync(140);
    await settle(() => written, 300);
    expect(written).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    await settle(() => written, 300);
    expect(written).toBe(false);
    expect(await topicsOnDisk(dir)).toEqual([]);
    await vi.advanceTimersByTimeAsync(259); // 999 ms after it came
    await settle(() => written);
    expect(written).toBe(true);
    vi.useRealTimers();
    await second;
    expect(await topicsOnDisk(dir)).toEqual(['hearth/hub/remote2/action']);

    // a flush does not wait for what is in flight
    outbox.enqueue(message(3)).catch(() => undefined);
    outbox.take(1);
    await outbox.flush();
    expect(await topicsOnDisk(dir)).toEqual(['hearth/hub/remote2/action', 'hearth/hub/remote3/action']);
    await outbox.close();

    const again = await open(dir);
    expect(again.pending().map((m) => m.topic)).toEqual(['hearth/hub/remote2/action', 'hearth/hub/remote3/action']);
    await again.close();
  });

  it('carries a message in flight past a commit: acknowledged before the next, it costs no write', async () => {
    const dir = await tempDir();
    const outbox = await open(dir);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const enqueued = outbox.enqueue(message(1));
    const [sent] = outbox.take(1);
    await vi.advanceTimersByTimeAsync(300); // two timed commits went by with it in flight
    void outbox.ack(sent?.seq as number);
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await enqueued;
    expect(await topicsOnDisk(dir)).toEqual([]);
    await outbox.close();
    expect((await open(dir)).pending()).toEqual([]);
  });
});
