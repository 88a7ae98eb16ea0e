/**
 * The journal's write path for flash: long records are stored deflated (fewer pages per commit)
 * and read back as written, damage in one costs only that one; and `maxLossMs` bounds how long
 * an append waits for its commit, whatever the batch interval.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSegment, encodeRecord, Journal } from '../../src/store/journal.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
/** A batch of device changes as the state store writes one. */
const batch = (n: number) => ({
  b: Array.from({ length: 40 }, (_, i) => ({
    d: `zigbee:0x00158d00000000${String(i).padStart(2, '0')}`,
    v: { temperature: n + i / 10 },
    t: 1_700_000_000_000 + n * 1000 + i,
  })),
});

async function segmentBytes(dir: string): Promise<{ path: string; bytes: Buffer }> {
  const name = (await readdir(dir)).filter((file) => file.endsWith('.log')).sort()[0] as string;
  const path = join(dir, name);
  return { path, bytes: await readFile(path) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('journal records for flash', () => {
  it('stores a long record deflated, in a fraction of its JSON, and reads it back as it was', async () => {
    const entry = batch(1);
    const json = Buffer.byteLength(JSON.stringify([1, entry]));
    const record = encodeRecord(1, entry);
    expect(record.length).toBeLessThan(json / 2);
    expect(decodeSegment(record).records).toEqual([[1, entry]]);
    // a short one stays JSON, readable as it always was
    expect(encodeRecord(2, { d: 'x' }).subarray(8).toString()).toBe('[2,{"d":"x"}]');

    const dir = await tempDir();
    const { journal } = await Journal.open({ dir, log: silent, batchIntervalMs: 1 }, () => undefined);
    for (let n = 0; n < 3; n++) await journal.append(batch(n));
    await journal.close();
    const replayed: unknown[] = [];
    const { journal: again, report } = await Journal.open({ dir, log: silent, batchIntervalMs: 1 }, (_seq, e) => replayed.push(e));
    expect(replayed).toEqual([batch(0), batch(1), batch(2)]);
    expect(report.corrupt).toBe(0);
    await again.close();
  });

  it('costs a deflated record with a flipped byte only that record, and keeps the ones after it', async () => {
    const dir = await tempDir();
    const { journal } = await Journal.open({ dir, log: silent, batchIntervalMs: 1 }, () => undefined);
    for (let n = 0; n < 3; n++) await journal.append(batch(n));
    await journal.close();
    const { path, bytes } = await segmentBytes(dir);
    const second = 8 + bytes.readUInt32LE(0);
    bytes[second + 8 + 20] = (bytes[second + 8 + 20] as number) ^ 0xff; // inside the second record's deflated payload
    await writeFile(path, bytes);
    const replayed: unknown[] = [];
    const { journal: again, report } = await Journal.open({ dir, log: silent, batchIntervalMs: 1 }, (_seq, e) => replayed.push(e));
    expect(replayed).toEqual([batch(0), batch(2)]);
    expect(report.corrupt).toBe(1);
    await again.close();
  });

  it('commits an append within maxLossMs however long the batch interval is', async () => {
    const dir = await tempDir();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { journal } = await Journal.open({ dir, log: silent, batchIntervalMs: 60_000, maxLossMs: 300 }, () => undefined);
    let acknowledged = false;
    const ack = journal.append(batch(1)).then((seq) => {
      acknowledged = true;
      return seq;
    });
    // the bound less 50 ms kept for a late timer
    await vi.advanceTimersByTimeAsync(249);
    expect(acknowledged).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    vi.useRealTimers();
    expect(await ack).toBe(1);
    expect(decodeSegment((await segmentBytes(dir)).bytes).records).toEqual([[1, batch(1)]]);
    await journal.close();
  });
});
