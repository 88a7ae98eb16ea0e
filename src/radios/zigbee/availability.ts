/**
 * Zigbee availability, as Zigbee2MQTT does it: a mains-powered device (a router, always
 * listening) that has been silent for `activeTimeoutMs` is pinged, and is offline when the ping
 * fails; a battery device sleeps and cannot be pinged, so it is offline once silent for the
 * longer `passiveTimeoutMs`. Anything heard from a device (a message, an announce, a ping
 * answer) marks it seen, and online again.
 */

export interface AvailabilityOptions {
  activeTimeoutMs: number;
  passiveTimeoutMs: number;
  /** Pings a mains device; rejects when it does not answer. */
  ping(id: string): Promise<void>;
  changed(id: string, online: boolean): void;
  now?: () => number;
}

interface Tracked {
  mains: boolean;
  lastSeen: number;
  online: boolean;
  pinging: boolean;
}

export class Availability {
  private readonly devices = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AvailabilityOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts sweeping: often enough that a timeout is noticed within a quarter of it (at most every minute). */
  start(): void {
    const every = Math.max(100, Math.min(60_000, Math.floor(this.options.activeTimeoutMs / 4)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Follows a device; `lastSeen` is when it was last heard of (herdsman keeps it across restarts). */
  track(id: string, mains: boolean, lastSeen: number | undefined): boolean {
    const seen = lastSeen ?? this.now();
    const online = this.now() - seen < (mains ? this.options.activeTimeoutMs : this.options.passiveTimeoutMs) || mains;
    this.devices.set(id, { mains, lastSeen: seen, online, pinging: false });
    return online;
  }

  forget(id: string): void {
    this.devices.delete(id);
  }

  isOnline(id: string): boolean | undefined {
    return this.devices.get(id)?.online;
  }

  seen(id: string): void {
    const device = this.devices.get(id);
    if (device === undefined) return;
    device.lastSeen = this.now();
    if (!device.online) {
      device.online = true;
      this.options.changed(id, true);
    }
  }

  private offline(id: string, device: Tracked): void {
    if (!device.online) return;
    device.online = false;
    this.options.changed(id, false);
  }

  sweep(): void {
    const now = this.now();
    for (const [id, device] of this.devices) {
      const silent = now - device.lastSeen;
      if (!device.mains) {
        if (silent >= this.options.passiveTimeoutMs) this.offline(id, device);
        continue;
      }
      if (silent < this.options.activeTimeoutMs || device.pinging) continue;
      device.pinging = true;
      this.options
        .ping(id)
        .then(
          () => this.seen(id),
          () => {
            // pinged again after another active timeout, not on every sweep
            device.lastSeen = this.now();
            this.offline(id, device);
          },
        )
        .finally(() => (device.pinging = false));
    }
  }
}
