/**
 * Commands acknowledged to their sender but not yet carried out: a sleeping device's, waiting
 * for it to wake up. One small JSON document (`DurableJsonFile`: atomic replacement, a good
 * copy beside it), rewritten on every change and on disk before `add` resolves, so a command
 * answered `{"queued":true}` survives a clean stop, a crash and a power cut. Commands for
 * sleeping devices are few and far between, so a write per change is no wear to speak of.
 * Without a file (tests, a radio built by hand) the list lives in memory only.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DurableJsonFile } from './durable-json-file.js';

export interface PendingCommand {
  /** Grows across process lifetimes (the document keeps the next one). */
  seq: number;
  device: string;
  payload: Record<string, unknown>;
  /** When it was acknowledged (ms since the epoch). */
  at: number;
}

const documentSchema = z.object({
  nextSeq: z.number().int().positive(),
  commands: z.array(z.object({ seq: z.number().int(), device: z.string(), payload: z.record(z.string(), z.unknown()), at: z.number() })),
});
type PendingDocument = z.infer<typeof documentSchema>;

export class PendingCommands {
  private commands: PendingCommand[] = [];
  private nextSeq = 1;
  private loaded: Promise<void> | undefined;
  /** Writes, one after another, each of the whole list as it is when it starts. */
  private writing: Promise<void> = Promise.resolve();
  private readonly file: DurableJsonFile<PendingDocument> | undefined;

  constructor(
    private readonly path: string | undefined,
    log: Logger,
  ) {
    this.file = path === undefined ? undefined : new DurableJsonFile(path, (value) => documentSchema.parse(value), log);
  }

  /** Reads the file (once per process; later calls wait for the same read). */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      if (this.file === undefined || this.path === undefined) return;
      await mkdir(dirname(this.path), { recursive: true });
      const document = await this.file.read();
      if (document === null) return;
      this.commands = document.commands;
      this.nextSeq = Math.max(document.nextSeq, ...document.commands.map((command) => command.seq + 1));
    })();
    return this.loaded;
  }

  /** Those waiting for `device`, oldest first. */
  of(device: string): PendingCommand[] {
    return this.commands.filter((command) => command.device === device);
  }

  get size(): number {
    return this.commands.length;
  }

  /** Keeps a command; resolves once it is on disk. */
  async add(device: string, payload: Record<string, unknown>, at: number): Promise<PendingCommand> {
    await this.load();
    const command: PendingCommand = { seq: this.nextSeq++, device, payload, at };
    this.commands.push(command);
    await this.persist();
    return command;
  }

  /** Forgets a command (carried out, failed or expired); resolves once that is on disk. */
  async remove(seq: number): Promise<void> {
    const before = this.commands.length;
    this.commands = this.commands.filter((command) => command.seq !== seq);
    if (this.commands.length !== before) await this.persist();
  }

  /** The devices something waits for. */
  devices(): string[] {
    return [...new Set(this.commands.map((command) => command.device))];
  }

  /**
   * Forgets every command of `device` (it left the network) at once: `removed` are they, oldest
   * first; `written` resolves once that is on disk.
   */
  removeDevice(device: string): { removed: PendingCommand[]; written: Promise<void> } {
    const removed = this.of(device);
    if (removed.length === 0) return { removed, written: Promise.resolve() };
    this.commands = this.commands.filter((command) => command.device !== device);
    return { removed, written: this.persist() };
  }

  private persist(): Promise<void> {
    const file = this.file;
    if (file === undefined) return Promise.resolve();
    const write = this.writing.then(() => file.write({ nextSeq: this.nextSeq, commands: this.commands }));
    this.writing = write.catch(() => undefined);
    return write;
  }
}
