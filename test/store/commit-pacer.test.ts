/**
 * The journal's commit pacing (commit-pacer.ts) on a fake clock: quick commits while the hub is
 * quiet, commits spaced up to `maxLossMs` under load, and never a record older than the bound
 * at its commit; and the journal itself on fake timers: under steady appends every record is on
 * disk within `store.maxLossMs` of its append, with about one commit per `maxLossMs`.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommitPacer } from '../../src/store/commit-pacer.js';
import { diskStats } from '../../src/store/disk-stats.js';
import { Journal } from '../../src/store/journal.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });

describe('commit pacer', () => {
  it('commits quickly while commits are rare, then spaces them up to maxLossMs under load, never past it', () => {
    let now = 0;
    const pacer = new CommitPacer({ minDelayMs: 20, maxLossMs: 1000, now: () => now });
    // quiet: a few quick commits in a row
    const quick: number[] = [];
    for (let i = 0; i < 4; i++) {
      quick.push(pacer.delay());
      now += 20;
      pacer.committing();
      pacer.committed(5);
    }
    expect(quick).toEqual([20, 20, 20, 20]);
    // steady load: every record pends right after the previous commit; the commit waits, but
    // the first record is synced within the bound (a tenth of it kept in reserve)
    const paced: number[] = [];
    for (let i = 0; i < 20; i++) {
      const delay = pacer.delay();
      paced.push(delay);
      now += delay;
      pacer.committing();
      now += 5;
      pacer.committed(5);
    }
    for (const delay of paced) expect(delay + 5).toBeLessThanOrEqual(1000);
    expect(paced.slice(2)).toEqual(paced.slice(2).map(() => 900));
    // quiet again for a while: quick commits come back
    now += 10_000;
    expect(pacer.delay()).toBe(20);
  });

  it('keeps twice a slow sync in reserve, at most half the bound', () => {
    let now = 0;
    const pacer = new CommitPacer({ minDelayMs: 20, maxLossMs: 1000, now: () => now });
    for (let i = 0; i < 4; i++) {
      pacer.committing();
      pacer.committed(150);
    }
    expect(pacer.delay()).toBe(700);
    pacer.committing();
    pacer.committed(5000);
    expect(pacer.delay()).toBe(500);
    now += 60_000;
    expect(pacer.delay()).toBe(20);
  });

  it('gathers every batch for maxLossMs when it is not above the batch interval', () => {
    const pacer = new CommitPacer({ minDelayMs: 200, maxLossMs: 200 });
    for (let i = 0; i < 10; i++) {
      expect(pacer.delay()).toBe(200);
      pacer.committing();
      pacer.committed(1);
    }
    expect(new CommitPacer({ minDelayMs: 200, maxLossMs: 50 }).delay()).toBe(50);
  });
});

describe('journal paced by store.maxLossMs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts every record on disk within maxLossMs of its append, in about one commit per maxLossMs under load', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const maxLossMs = 1000;
    const { journal } = await Journal.open<number>({ dir: await tempDir(), log: silent, batchIntervalMs: 20, maxLossMs }, () => undefined);
    const open: { at: number; acked: boolean }[] = [];
    let late = 0;
    /** Waits (in real time: the write is real I/O) for the records whose bound is due by `until`, before the clock moves on. */
    const settle = async (until: number): Promise<void> => {
      for (const record of open) {
        if (record.acked || record.at + maxLossMs > until) continue;
        // a loaded machine's sync can take seconds of real time: the fake clock waits for it
        const deadline = performance.now() + 60_000;
        while (!record.acked && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
        if (!record.acked) late++;
      }
    };
    const append = (value: number): void => {
      const record = { at: Date.now(), acked: false };
      open.push(record);
      void journal.append(value).then(() => {
        record.acked = true;
      });
    };

    // quiet: one record is acknowledged after the batch interval
    append(0);
    await vi.advanceTimersByTimeAsync(20);
    await settle((open[0]?.at ?? 0) + maxLossMs); // its commit was set for the batch interval: it has fired
    expect(open[0]?.acked).toBe(true);

    // steady load: a record every 50 ms for 20 s
    const fsyncsBefore = diskStats.fsyncs;
    for (let step = 1; step <= 400; step++) {
      append(step);
      await vi.advanceTimersByTimeAsync(50);
      await settle(Date.now());
    }
    for (let step = 0; step < maxLossMs / 50; step++) {
      await vi.advanceTimersByTimeAsync(50);
      await settle(Date.now());
    }
    expect(late).toBe(0);
    expect(open.every((record) => record.acked)).toBe(true);
    const commits = diskStats.fsyncs - fsyncsBefore;
    // one per maxLossMs less its reserve (a tenth), after the quick ones
    expect(commits).toBeLessThanOrEqual(20_000 / (0.9 * maxLossMs) + 4 + 2);
    expect(commits).toBeGreaterThanOrEqual(20_000 / maxLossMs - 1);
    vi.useRealTimers();
    await journal.close();
  }, 300_000);
});
