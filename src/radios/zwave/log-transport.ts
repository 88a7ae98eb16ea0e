/**
 * zwave-js's own log, routed into pino: a winston transport (zwave-js logs through winston)
 * that hands each entry to the radio's logger at the matching level, with zwave-js's channel
 * (`DRIVER`, `CNTRLR`, `SERIAL`, …) and node id as fields. zwave-js never writes to the
 * console or to files of its own.
 *
 * One transport serves one Driver incarnation and is closed with it: zwave-js 15 pipes each of
 * a driver's winston loggers into the transports it is given and never unpipes them (its log
 * container's destroy walks its Map of loggers with for…in, which visits nothing), so a
 * transport shared by restarted drivers gained four listeners per restart
 * (MaxListenersExceededWarning after the third) and kept every dead driver's loggers alive.
 */
import type { Logger } from 'pino';
import Transport from 'winston-transport';

const LEVELS: Record<string, 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  http: 'debug',
  verbose: 'debug',
  debug: 'debug',
  silly: 'trace',
};

interface ZWaveLogEntry {
  level: string;
  message: string | string[];
  label?: string;
  primaryTags?: string;
  secondaryTags?: string;
  context?: { source?: string; nodeId?: number };
}

export class PinoTransport extends Transport {
  private open = true;

  constructor(private readonly logger: Logger) {
    super();
  }

  /** False once the driver it served is gone. */
  get isOpen(): boolean {
    return this.open;
  }

  /** The driver is destroyed: entries that still come (from its leftover loggers) go nowhere. */
  closeWithDriver(): void {
    this.open = false;
    this.silent = true; // winston-transport drops entries before they reach log()
  }

  override log(info: ZWaveLogEntry, next: () => void): void {
    const level = LEVELS[info.level] ?? 'info';
    const text = Array.isArray(info.message) ? info.message.join(' ') : info.message;
    const tags = [info.primaryTags, info.secondaryTags].filter((tag) => tag !== undefined && tag !== '').join(' ');
    const fields: Record<string, unknown> = {};
    if (info.label !== undefined) fields.channel = info.label;
    if (info.context?.nodeId !== undefined) fields.node = info.context.nodeId;
    this.logger[level](fields, tags === '' ? text : `${tags} ${text}`);
    next();
  }
}
