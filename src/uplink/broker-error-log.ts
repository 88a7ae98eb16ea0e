/**
 * How the broker link's errors are logged: what a user must fix is said with the fix, and said
 * again at a slow interval while it lasts; the rest once until it changes. A refused login (the
 * broker's CONNACK "bad user name or password" or "not authorized") is an error naming
 * `uplink.username`/`uplink.password`, without a stack, on the first refusal and then every
 * `repeatMs` (5 min) while the broker keeps refusing; other errors (ECONNREFUSED, a timeout) are
 * a warning when their text differs from the last one's, a network error's without a stack. A
 * connection starts afresh.
 */
import type { Logger } from 'pino';
import { describeError, ErrorCode } from '../errors.js';

/** CONNACK return codes of a refused login: MQTT 3.1.1's 4 and 5, MQTT 5's 0x86, 0x87 and 0x8C (bad authentication method). */
const LOGIN_REFUSED = new Set([4, 5, 0x86, 0x87, 0x8c]);

export function isLoginRefused(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && LOGIN_REFUSED.has(code) && error instanceof Error && error.message.startsWith('Connection refused');
}

export interface BrokerErrorLogOptions {
  log: Logger;
  broker: string;
  /** `uplink.username`, named in the message (it is no secret; the password never is). */
  username: string | undefined;
  /** How often a login refused again and again is said again. */
  repeatMs?: number;
  now?: () => number;
}

export const LOGIN_REFUSED_REPEAT_MS = 5 * 60_000;

export class BrokerErrorLog {
  /** The text of the last error, for health; undefined once connected. */
  last: string | undefined;
  private refusedSince: number | undefined;
  private refusedSaidAt: number | undefined;
  private refusals = 0;
  private readonly now: () => number;
  private readonly repeatMs: number;

  constructor(private readonly options: BrokerErrorLogOptions) {
    this.now = options.now ?? (() => Date.now());
    this.repeatMs = options.repeatMs ?? LOGIN_REFUSED_REPEAT_MS;
  }

  error(error: unknown): void {
    const text = describeError(error);
    const { log, broker } = this.options;
    if (isLoginRefused(error)) {
      const now = this.now();
      this.refusedSince ??= now;
      this.refusals++;
      if (this.refusedSaidAt === undefined || now - this.refusedSaidAt >= this.repeatMs) {
        this.refusedSaidAt = now;
        log.error(
          {
            broker,
            code: ErrorCode.BrokerAuthRefused,
            reasonCode: (error as { code: number }).code,
            refusals: this.refusals,
            refusedForS: Math.round((now - this.refusedSince) / 1000),
          },
          `the broker ${broker} refused the hub's login (${text}): check uplink.username (${this.usernameText()}) and uplink.password against the broker's users; retrying, and saying so again every ${Math.round(this.repeatMs / 60_000)} min while it refuses`,
        );
      }
    } else if (text !== this.last) {
      // a network error (ECONNREFUSED, ETIMEDOUT, …) says all in its text: no stack
      const code = (error as { code?: unknown }).code;
      const network = typeof code === 'string' && /^E[A-Z]+$/.test(code);
      log.warn(network ? { broker, code } : { broker, err: error }, `broker error: ${text}`);
    }
    this.last = text;
  }

  /** Connected: the next error is news. */
  connected(): void {
    if (this.refusedSince !== undefined)
      this.options.log.info({ broker: this.options.broker, refusals: this.refusals }, 'the broker accepts the login again');
    this.last = undefined;
    this.refusedSince = undefined;
    this.refusedSaidAt = undefined;
    this.refusals = 0;
  }

  private usernameText(): string {
    return this.options.username === undefined ? 'not set' : JSON.stringify(this.options.username);
  }
}
