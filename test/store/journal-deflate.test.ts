/**
 * Deflated journal records (a batch's record past a few hundred bytes): smaller on disk than
 * their JSON, read back the same, and damage stays as local as with plain records: a torn end
 * is cut off, a flipped byte in a deflated record in the middle loses that record only.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeRecord, Journal } from '../../src/store/journal.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
type Batch = { b: { d: string; v: { temperature: number; humidity: number } }[] };
const batch = (n: number): Batch => ({
  b: Array.from({ length: 20 }, (_, i) => ({
    d: `zigbee:0x00158d00000000${String(i).padStart(2, '0')}`,
    v: { temperature: n + i / 10, humidity: 40 + n },
  })),
});

async function writeBatches(dir: string, count: number): Promise<string> {
  const { journal } = await Journal.open<Batch>({ dir, log: silent, batchIntervalMs: 1 }, () => undefined);
  for (let n = 0; n < count; n++) await journal.append(batch(n));
  await journal.close();
  const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.log'));
  return join(dir, segment as string);
}

async function reopen(dir: string): Promise<number[]> {
  const values: number[] = [];
  const { journal } = await Journal.open<Batch>({ dir, log: silent, batchIntervalMs: 1 }, (_seq, entry) =>
    values.push(entry.b[0]?.v.humidity ?? -1),
  );
  await journal.close();
  return values;
}

describe('deflated journal records', () => {
  it('are smaller than their JSON and read back the same', () => {
    const entry = batch(7);
    const record = encodeRecord(3, entry);
    expect(record.length).toBeLessThan(JSON.stringify([3, entry]).length / 2);
    expect(decodeSegment(record).records).toEqual([[3, entry]]);
  });

  it('lose only what a torn end or a flipped byte touched', async () => {
    const dir = await tempDir();
    const path = await writeBatches(dir, 10);
    const bytes = await readFile(path);
    const starts = decodeSegment(bytes).spans.map(([from]) => from);
    expect(starts).toHaveLength(10);

    // a torn end, anywhere inside the last record: the nine before it are kept
    const torn = await tempDir();
    await writeFile(join(torn, 'segment-0000000000000001.log'), bytes.subarray(0, (starts[9] ?? 0) + 20));
    expect(await reopen(torn)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48]);

    // a flipped byte inside the fifth record's deflated payload: that record only is lost
    const flipped = await tempDir();
    const copy = Buffer.from(bytes);
    const at = (starts[4] ?? 0) + 8 + 10;
    copy[at] = (copy[at] ?? 0) ^ 0xff;
    await writeFile(join(flipped, 'segment-0000000000000001.log'), copy);
    expect(await reopen(flipped)).toEqual([40, 41, 42, 43, 45, 46, 47, 48, 49]);
  });
});
