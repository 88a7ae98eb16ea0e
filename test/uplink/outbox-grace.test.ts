/**
 * The outbox's timed commit waits a short grace for messages in flight: one the broker
 * acknowledges then costs no write at all; one it does not is written when the grace is over,
 * and what is on disk comes back after a restart. A flush does not wait.
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

    // sent, never acknowledged: written once the grace is over
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let written = false;
    const second = outbox.enqueue(message(2)).then(() => (written = true));
    outbox.take(1);
    await vi.advanceTimersByTimeAsync(110);
    expect(written).toBe(false);
    await vi.advanceTimersByTimeAsync(30);
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
});
