/**
 * The running Zigbee radio's coordinator backups: herdsman writes one periodically (every
 * `intervalMs`) and at stop, each made the hub's alone and synced (coordinator-backup.ts); a
 * fresh one is handed out on request, its keys left out unless asked for.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Controller } from 'zigbee-herdsman';
import { describeError } from '../../errors.js';
import { backupWithoutKeys, protectBackupFile } from './coordinator-backup.js';

export class CoordinatorBackups {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly controller: Controller,
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Writes one every `intervalMs` from now on. */
  schedule(intervalMs: number): void {
    this.timer = setInterval(() => void this.write(), intervalMs);
    this.timer.unref();
  }

  /** No more periodic backups (herdsman's own stop writes the last one; `protect` it after). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
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
