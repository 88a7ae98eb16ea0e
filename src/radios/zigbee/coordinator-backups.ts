/**
 * The running Zigbee radio's files beside herdsman: its coordinator backups (herdsman writes one
 * periodically, every `intervalMs`, and at stop, each made the hub's alone and synced:
 * coordinator-backup.ts; a fresh one is handed out on request, its keys left out unless asked
 * for) and its database, saved on the hub's schedule only when it changed (database-saves.ts).
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Controller } from 'zigbee-herdsman';
import { describeError } from '../../errors.js';
import { backupWithoutKeys, protectBackupFile } from './coordinator-backup.js';
import { DatabaseSaves } from './database-saves.js';

export class CoordinatorBackups {
  private timer: NodeJS.Timeout | undefined;
  readonly database: DatabaseSaves;

  constructor(
    private readonly controller: Controller,
    private readonly path: string,
    private readonly log: Logger,
  ) {
    this.database = new DatabaseSaves(controller, log);
  }

  /** Writes one every `intervalMs` from now on, and takes herdsman's database saves over (after its start). */
  schedule(intervalMs: number): void {
    this.timer = setInterval(() => void this.write(), intervalMs);
    this.timer.unref();
    this.database.schedule();
  }

  /** No more periodic backups or database saves (herdsman's own stop writes the last of both; `protect` the backup after). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.database.stop();
  }

  /** Makes the file herdsman wrote the hub's alone, and syncs it. */
  protect(): Promise<void> {
    return protectBackupFile(this.path, this.log);
  }

  /** Writes the backup now (herdsman writes it atomically: a temp file renamed over the old one); a failure is logged. */
  private async write(): Promise<void> {
    try {
      await this.controller.backup();
      await this.protect();
    } catch (error) {
      this.log.warn({ err: error }, `the Zigbee coordinator backup failed: ${describeError(error)}`);
    }
  }

  /** A fresh backup (open-coordinator-backup format), as written to the state directory; its keys only when asked for. */
  async fresh(options: { includeKeys?: boolean } = {}): Promise<unknown> {
    await this.controller.backup();
    await this.protect();
    const backup = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
    return options.includeKeys === true ? backup : backupWithoutKeys(backup);
  }
}
