/**
 * A lowdb adapter for one JSON document that survives crashes and says when it cannot: writes
 * are atomic (see atomic-file.ts), and each one also writes a second copy, `<name>.prev`, once
 * the document itself is in place, so a good copy of the latest document is always beside it.
 * On read, a file that does not parse or fails its validator is reported with its path (a log
 * error and `onDamage`), kept aside as `<name>.corrupt-<time>`, and the good copy (`.prev`) is
 * used. When there is no good copy, reading fails with STORE_CORRUPT and the file stays in
 * place, so every start fails the same way until someone decides: nothing silently starts empty.
 */
import { readFile, rename } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import type { Logger } from 'pino';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';

/** Checks a parsed document; throws (with a message naming what is wrong) when it is not one. */
export type DocumentValidator<T> = (value: unknown) => T;

type Attempt<T> = { kind: 'missing' } | { kind: 'ok'; data: T } | { kind: 'corrupt'; reason: string };

export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly validate: DocumentValidator<T>,
    private readonly log: Logger,
    /** Hears a damaged file and what was done about it (the store's damage report). */
    private readonly onDamage?: (problem: string, action: string) => void,
  ) {}

  private async attempt(path: string): Promise<Attempt<T>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    try {
      return { kind: 'ok', data: this.validate(JSON.parse(text)) };
    } catch (error) {
      return { kind: 'corrupt', reason: text.length === 0 ? 'the file is empty' : describeError(error) };
    }
  }

  async read(): Promise<T | null> {
    const main = await this.attempt(this.path);
    if (main.kind === 'ok') return main.data;
    const previousPath = `${this.path}.prev`;
    const previous = await this.attempt(previousPath);
    if (main.kind === 'missing') {
      // no main file: a fresh store, or a crash before the first rename finished
      return previous.kind === 'ok' ? previous.data : null;
    }
    if (previous.kind === 'ok') {
      const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.path, aside);
      this.log.error(
        { path: this.path, keptAs: aside, reason: main.reason, using: previousPath },
        `${this.path} is corrupt (${main.reason}); kept it as ${aside} and using the last good copy ${previousPath}`,
      );
      await writeFileAtomic(this.path, JSON.stringify(previous.data));
      this.onDamage?.(main.reason, `started from the good copy ${previousPath}; the damaged file is kept as ${aside}`);
      return previous.data;
    }
    // no good copy: the file stays where it is, so every start refuses the same way until
    // someone decides; moving it aside would let the next start begin empty without a word
    throw new HearthError(
      ErrorCode.StoreCorrupt,
      `${this.path} is corrupt (${main.reason}) and there is no good copy (${previousPath}: ${previous.kind === 'missing' ? 'missing' : previous.reason}); restore it from a backup, or move it away to start that part of the store empty`,
    );
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    await writeFileAtomic(this.path, text);
    await writeFileAtomic(`${this.path}.prev`, text);
  }
}
