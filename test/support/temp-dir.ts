/** Temporary directories for a test, removed after it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export async function tempDir(prefix = 'hearth-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // retries: a part the test stopped may still be finishing a write in it
  onTestFinished(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));
  return dir;
}
