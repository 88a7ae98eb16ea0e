/**
 * Reads a journal directory of a state directory as it is on disk (the segment files the hub
 * wrote, decoded with the journal's own framing): for tests that wait until the hub has
 * committed something before they kill it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSegment } from '../../src/store/journal.js';

/** Every record's entry in the journal at `dir`, in order; none when it does not exist. */
export async function journalEntries(dir: string): Promise<unknown[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /^segment-\d{16}\.log$/.test(name)).sort();
  } catch {
    return [];
  }
  const entries: unknown[] = [];
  for (const name of names) {
    const bytes = await readFile(join(dir, name)).catch(() => Buffer.alloc(0));
    for (const [, entry] of decodeSegment(bytes).records) entries.push(entry);
  }
  return entries;
}

/** Polls until some record in the journal at `dir` satisfies `predicate` (its JSON text), or fails naming `what`. */
export async function untilJournalHolds(dir: string, predicate: (json: string) => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await journalEntries(dir)).some((entry) => predicate(JSON.stringify(entry)))) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the journal in ${dir} to hold ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
