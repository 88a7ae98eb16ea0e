/**
 * zwave-js's own log, routed into pino: a winston transport (zwave-js logs through winston)
 * that hands each entry to the radio's logger at the matching level, with zwave-js's channel
 * (`DRIVER`, `CNTRLR`, `SERIAL`, …) and node id as fields. zwave-js never writes to the
 * console or to files of its own. A few of its warnings are about what is expected on a hub
 * and are logged at info instead (DEMOTED): a device zwave-js has no config file for (every
 * simulated one, and many real ones work without), a network without S0/S2 keys (the hub then
 * includes without security, README "Radios"), a sleeping node's commands waiting for it to wake
 * up (the hub says so itself: `command_queued`).
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

/** zwave-js warnings that describe the expected, not a fault: logged at info. */
const DEMOTED: readonly RegExp[] = [
  /No device config found/,
  /^No network key for .* configured/,
  /It is probably asleep, moving its messages to the wakeup queue/,
];

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
    const text = Array.isArray(info.message) ? info.message.join(' ') : info.message;
    let level = LEVELS[info.level] ?? 'info';
    if (level === 'warn' && DEMOTED.some((pattern) => pattern.test(text))) level = 'info';
    const tags = [info.primaryTags, info.secondaryTags].filter((tag) => tag !== undefined && tag !== '').join(' ');
    const fields: Record<string, unknown> = {};
    if (info.label !== undefined) fields.channel = info.label;
    if (info.context?.nodeId !== undefined) fields.node = info.context.nodeId;
    this.logger[level](fields, tags === '' ? text : `${tags} ${text}`);
    next();
  }
}
