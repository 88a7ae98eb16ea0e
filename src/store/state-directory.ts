/**
 * The state directory part: makes sure config stateDir exists and is writable before anything
 * stores into it, and says plainly what to do when it is not. It is the first part to touch
 * the disk, so an invalid config (checked before any part is built) leaves no trace.
 */
import { access, constants, mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { Part, PartHealth } from '../lifecycle/part.js';

export class StateDirectory implements Part {
  readonly name = 'state-directory';
  private ready = false;

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    try {
      await mkdir(this.path, { recursive: true, mode: 0o750 });
      await access(this.path, constants.R_OK | constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const fix =
        code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? ': run hearth as a user that may write there, or set stateDir' : '';
      throw new Error(`state directory ${this.path} is not usable: ${describeError(error)}${fix}`, { cause: error });
    }
    this.ready = true;
    this.log.debug({ path: this.path }, 'state directory ready');
  }

  stop(): Promise<void> {
    this.ready = false;
    return Promise.resolve();
  }

  health(): PartHealth {
    return this.ready ? { status: 'ok', path: this.path } : { status: 'stopped' };
  }
}
