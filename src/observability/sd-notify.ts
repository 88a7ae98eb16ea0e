/**
 * systemd's notify protocol (sd_notify(3)): one datagram per message to the socket named by
 * $NOTIFY_SOCKET. Node has no unix datagram sockets, so the sending goes through unix-dgram
 * (as in Zigbee2MQTT), loaded only when systemd asked for notifications. Without
 * NOTIFY_SOCKET (a terminal, the tests, Docker) every call is a no-op. Also reads the
 * watchdog interval systemd set ($WATCHDOG_USEC, for this process per $WATCHDOG_PID).
 */
import { createRequire } from 'node:module';
import type { UnixDgramSocket } from 'unix-dgram';
import { ErrorCode, HearthError } from '../errors.js';

export interface Notifier {
  /** Whether messages go anywhere (NOTIFY_SOCKET was set). */
  readonly enabled: boolean;
  /** Half the watchdog timeout systemd set for this process, in ms; undefined when none. */
  readonly watchdogIntervalMs: number | undefined;
  send(fields: Record<string, string>): void;
  close(): void;
}

/** Sent messages fail silently by design in sd_notify; this keeps the last failure for logs. */
export type NotifyFailure = (error: Error) => void;

const require = createRequire(import.meta.url);

/** One line of STATUS= text: no newlines, bounded. */
export function statusLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function formatMessage(fields: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(fields)
      .map(([key, value]) => `${key}=${key === 'STATUS' ? statusLine(value) : value}`)
      .join('\n'),
  );
}

/** Half of $WATCHDOG_USEC when it is meant for this process, as sd_watchdog_enabled(3) decides. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (env.WATCHDOG_USEC === undefined || !Number.isSafeInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

class SocketNotifier implements Notifier {
  readonly enabled = true;

  constructor(
    private readonly socket: UnixDgramSocket,
    private readonly path: string,
    readonly watchdogIntervalMs: number | undefined,
    private readonly onFailure: NotifyFailure,
  ) {
    socket.on('error', (error: Error) => onFailure(error));
  }

  send(fields: Record<string, string>): void {
    const message = formatMessage(fields);
    this.socket.send(message, 0, message.length, this.path, (error) => {
      if (error !== undefined) this.onFailure(error);
    });
  }

  close(): void {
    this.socket.close();
  }
}

const disabled: Notifier = { enabled: false, watchdogIntervalMs: undefined, send: () => undefined, close: () => undefined };

/**
 * The notifier systemd's environment asks for. Throws NOTIFY_UNAVAILABLE when NOTIFY_SOCKET is
 * set and cannot be served (an abstract socket, unix-dgram not built): under Type=notify a hub
 * that cannot say READY would be killed at the start timeout with no word why.
 */
export function openNotifier(env: NodeJS.ProcessEnv, onFailure: NotifyFailure): Notifier {
  const path = env.NOTIFY_SOCKET;
  if (path === undefined || path === '') return disabled;
  if (!path.startsWith('/')) {
    throw new HearthError(ErrorCode.NotifyUnavailable, `NOTIFY_SOCKET=${path}: only socket paths are supported (not abstract sockets)`);
  }
  let socket: UnixDgramSocket;
  try {
    const unixDgram = require('unix-dgram') as typeof import('unix-dgram');
    socket = unixDgram.createSocket('unix_dgram');
  } catch (error) {
    throw new HearthError(
      ErrorCode.NotifyUnavailable,
      `NOTIFY_SOCKET is set but unix-dgram cannot be loaded (is its native module built for this Node and CPU?)`,
      { cause: error },
    );
  }
  return new SocketNotifier(socket, path, watchdogIntervalMs(env), onFailure);
}
