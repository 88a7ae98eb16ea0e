/**
 * The Z-Wave controller's NVM backups (zwave-js `backupNVMRaw`), beside Zigbee's coordinator
 * backup: written to the state directory (`zwave-nvm.bin`, atomically, readable by the hub
 * only) every `intervalMs`, at stop, and on request; the request's answer carries it base64.
 */
import type { Logger } from 'pino';
import { describeError } from '../../../errors.js';
import { writeFileAtomic } from '../../../store/atomic-file.js';

export class NvmBackups {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<Uint8Array>,
    /** The file, or undefined when there is no state directory (tests): nothing is written. */
    private readonly path: string | undefined,
    private readonly log: Logger,
  ) {}

  schedule(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.write(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the NVM and writes it to the state directory; a failure is logged. */
  async write(): Promise<void> {
    try {
      await this.save(await this.read());
    } catch (error) {
      this.log.warn({ err: error }, `the Z-Wave NVM backup failed: ${describeError(error)}`);
    }
  }

  private async save(nvm: Uint8Array): Promise<void> {
    if (this.path !== undefined) await writeFileAtomic(this.path, nvm, { mode: 0o600, keepPrevious: true });
  }

  /** A fresh backup, written to the state directory and handed out. */
  async fresh(): Promise<{ format: 'zwave-js-nvm-raw'; bytes: number; nvm: string; file?: string }> {
    const nvm = await this.read();
    await this.save(nvm);
    return {
      format: 'zwave-js-nvm-raw',
      bytes: nvm.byteLength,
      nvm: Buffer.from(nvm).toString('base64'),
      ...(this.path === undefined ? {} : { file: this.path }),
    };
  }
}
