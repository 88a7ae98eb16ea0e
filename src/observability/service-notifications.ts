/**
 * What the hub tells systemd over the notify socket, and when: STATUS= while starting,
 * READY=1 once every part has started, then WATCHDOG=1 from a timer on the event loop at half
 * the watchdog timeout (so a blocked loop misses its pings and systemd kills and restarts the
 * hub), STATUS= whenever the one-line summary of the hub's health changes, STOPPING=1 when a
 * stop begins.
 */
import type { Logger } from 'pino';
import type { HubHealth } from '../lifecycle/hub-runner.js';
import type { Notifier } from './sd-notify.js';

/** How often the status line is refreshed when systemd set no watchdog. */
const STATUS_REFRESH_MS = 10_000;

/** One line for `systemctl status`: the overall state, and each part that is not ok with why. */
export function healthSummary(health: HubHealth): string {
  const parts = Object.entries(health.parts);
  const unwell = parts.filter(([, part]) => part.status !== 'ok');
  if (unwell.length === 0) return `${health.status}: ${parts.length} parts running`;
  const listed = unwell.map(([name, part]) => `${name} ${part.status}${part.detail === undefined ? '' : ` (${part.detail})`}`);
  return `${health.status}: ${listed.join('; ')}`;
}

export class ServiceNotifications {
  private timer: NodeJS.Timeout | undefined;
  private lastStatus = '';

  constructor(
    private readonly notifier: Notifier,
    private readonly health: () => HubHealth,
    private readonly log: Logger,
  ) {}

  starting(text: string): void {
    this.send({ STATUS: text });
  }

  ready(): void {
    this.lastStatus = healthSummary(this.health());
    this.send({ READY: '1', STATUS: this.lastStatus });
    if (!this.notifier.enabled) return;
    const watchdogMs = this.notifier.watchdogIntervalMs;
    if (watchdogMs !== undefined) this.log.info({ interval_ms: watchdogMs }, 'systemd watchdog: pinging from the event loop');
    this.timer = setInterval(() => this.tick(watchdogMs !== undefined), watchdogMs ?? STATUS_REFRESH_MS);
    // the pings keep nothing alive: a hub with nothing left to do may exit
    this.timer.unref();
  }

  private tick(watchdog: boolean): void {
    const status = healthSummary(this.health());
    const fields: Record<string, string> = watchdog ? { WATCHDOG: '1' } : {};
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      fields.STATUS = status;
    }
    if (Object.keys(fields).length > 0) this.send(fields);
  }

  stopping(reason: string): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.send({ STOPPING: '1', STATUS: `stopping (${reason})` });
  }

  /** A last status line before the process exits on a failure. */
  failed(text: string): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.send({ STATUS: text });
  }

  close(): void {
    clearInterval(this.timer);
    this.notifier.close();
  }

  private send(fields: Record<string, string>): void {
    if (this.notifier.enabled) this.notifier.send(fields);
  }
}
