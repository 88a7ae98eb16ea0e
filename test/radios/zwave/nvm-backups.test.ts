/**
 * The Z-Wave NVM backup's schedule (tools/nvm-backups.ts) on a fake clock: nothing is written
 * before `intervalMs`, then each interval a fresh read goes to the file, readable by the hub
 * only, the one before kept as `.prev`; after stop() no more. A failed read is logged, the
 * file left as it was. (The reads from a controller are in zwave-nvm.test.ts.)
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NvmBackups } from '../../../src/radios/zwave/tools/nvm-backups.js';
import { captureLog } from '../../support/log-capture.js';
import { tempDir } from '../../support/temp-dir.js';

afterEach(() => vi.useRealTimers());

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('the NVM backup schedule', () => {
  it('writes a fresh NVM every interval until stopped, the previous one kept', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const path = join(await tempDir(), 'zwave-nvm.bin');
    let reads = 0;
    const backups = new NvmBackups(() => Promise.resolve(Uint8Array.from([++reads, 0xaa])), path, pino({ level: 'silent' }));
    backups.schedule(3_600_000);

    vi.advanceTimersByTime(3_599_999);
    expect(reads).toBe(0);
    vi.advanceTimersByTime(1);
    expect(reads).toBe(1);
    await vi.waitFor(async () => expect([...(await readFile(path))]).toEqual([1, 0xaa]));
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    vi.advanceTimersByTime(3_600_000);
    await vi.waitFor(async () => expect([...(await readFile(path))]).toEqual([2, 0xaa]));
    expect([...(await readFile(`${path}.prev`))]).toEqual([1, 0xaa]);

    backups.stop();
    vi.advanceTimersByTime(7_200_000);
    expect(reads).toBe(2);
  });

  it('logs a read that fails and leaves the file alone', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const path = join(await tempDir(), 'zwave-nvm.bin');
    const logs = captureLog();
    const backups = new NvmBackups(
      () => Promise.reject(new Error('Timeout while waiting for a response from the controller')),
      path,
      logs.log,
    );
    backups.schedule(60_000);
    vi.advanceTimersByTime(60_000);
    await vi.waitFor(() => expect(logs.warnings('the Z-Wave NVM backup failed: Timeout while waiting')).toHaveLength(1));
    expect(await exists(path)).toBe(false);
    backups.stop();
  });
});
