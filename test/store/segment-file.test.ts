/**
 * A journal segment's writes on a real file system (the test's temp dir is ext4, as a Pi's card
 * is): with O_DIRECT a commit sends the block layer only the sectors it touches, where through
 * the page cache it costs a whole page (`write_bytes` of /proc/self/io, side by side); what a
 * crash leaves (the padding to a sector) reads as the end of the records, and a longer zero
 * tail as a torn end, cut off.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeSegment, encodeRecord, Journal } from '../../src/store/journal.js';
import { SECTOR, SegmentFile } from '../../src/store/segment-file.js';
import { tempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
const blockWrites = async () => Number(/^write_bytes: (\d+)/m.exec(await readFile('/proc/self/io', 'utf8'))?.[1]);
/** A record about the size of one device report in the state journal. */
const report = (seq: number) =>
  encodeRecord(seq, { d: `zigbee:0x00158d00000000${String(seq % 100).padStart(2, '0')}`, v: { temperature: 20 + seq / 10 } });

async function commitsOf(direct: boolean, dir: string): Promise<{ file: SegmentFile; perCommit: number; path: string; written: Buffer }> {
  const path = join(dir, `segment-${direct ? 'direct' : 'buffered'}.log`);
  const file = await SegmentFile.create(path, 0o640, direct);
  const records = Array.from({ length: 40 }, (_, i) => report(i + 1));
  const before = await blockWrites();
  for (const record of records) await file.append(record);
  return { file, perCommit: ((await blockWrites()) - before) / records.length, path, written: Buffer.concat(records) };
}

describe('journal segment writes', () => {
  it('send a commit only the sectors it touches with O_DIRECT, a whole page through the page cache', async () => {
    const dir = await tempDir('hearth-segment-');
    const direct = await commitsOf(true, dir);
    const buffered = await commitsOf(false, dir);
    expect(direct.file.direct, 'the temp dir takes O_DIRECT (ext4)').toBe(true);
    expect(buffered.file.direct).toBe(false);
    // a report's record is ~90 bytes: a direct commit rewrites one sector, sometimes two
    expect(direct.perCommit).toBeLessThanOrEqual(2 * SECTOR);
    expect(buffered.perCommit).toBeGreaterThanOrEqual(4096);
    for (const { file, path, written } of [direct, buffered]) {
      await file.close();
      expect(await readFile(path)).toEqual(written);
    }
  });

  it('go through the page cache where Node runs without WebAssembly (--jitless, --lite-mode), every record kept', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    onTestFinished(() => void vi.unstubAllGlobals());
    const { file, path, written } = await commitsOf(true, await tempDir('hearth-segment-'));
    expect(file.direct).toBe(false);
    await file.close();
    expect(await readFile(path)).toEqual(written);
  });

  it('leave a crash only the padding to a sector, which reads as the end of the records', async () => {
    const dir = await tempDir('hearth-segment-');
    const { file, path, written } = await commitsOf(true, dir);
    // not closed, as after SIGKILL: the file ends in zeros up to its last sector
    const left = await readFile(path);
    expect(left.length % SECTOR).toBe(0);
    expect(left.length).toBeGreaterThan(written.length);
    expect(left.subarray(0, written.length)).toEqual(written);
    const decoded = decodeSegment(left);
    expect(decoded.records).toHaveLength(40);
    expect(decoded.damage).toEqual([]);
    await file.close();
    expect((await stat(path)).size).toBe(written.length);
  });

  it('take zeros of a sector or more after the records for a torn end: every record kept, the rest cut off', async () => {
    const dir = await tempDir('hearth-segment-');
    const records = Buffer.concat([report(1), report(2), report(3)]);
    const path = join(dir, `segment-${'1'.padStart(16, '0')}.log`);
    await writeFile(path, Buffer.concat([records, Buffer.alloc(4 * SECTOR)]));
    const replayed: number[] = [];
    const { journal, report: recovery } = await Journal.open({ dir, log: silent, batchIntervalMs: 10 }, (seq) => replayed.push(seq));
    expect(replayed).toEqual([1, 2, 3]);
    expect(recovery.corrupt).toBe(1);
    expect(recovery.damaged[0]?.problems[0]).toMatchObject({ torn: true, bytes: 4 * SECTOR });
    expect((await stat(path)).size).toBe(records.length);
    await journal.close();
  });
});
