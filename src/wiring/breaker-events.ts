/**
 * A radio's breakers as the hub reports them: every transition of the radio's breaker (from
 * its guard) and of its devices' breakers (from their actors, on the event bus) is a
 * `bridge/event` `breaker_state` and shows in the metrics; the devices whose breaker is open
 * or half-open show in the radio's health.
 */
import type { DeviceService } from '../devices/device-service.js';
import type { BridgeEventMap } from '../events/bridge-events.js';
import type { BreakerTransition } from '../model/breaker-state.js';
import type { RadioKind } from '../model/device-id.js';
import type { ResilienceMetrics } from '../resilience/resilience-metrics.js';
import { emitBridgeEvent } from './bridge-event.js';

export interface BreakerEventsOptions {
  kind: RadioKind;
  devices: DeviceService;
  metrics?: ResilienceMetrics;
}

export class BreakerEvents {
  /** Devices of this radio whose breaker is open or half-open. */
  private readonly openDevices = new Set<string>();

  constructor(private readonly options: BreakerEventsOptions) {}

  /** Follows the breakers of this radio's devices, as `owner` on the hub's event bus. */
  listen(owner: string): void {
    this.options.devices.events.on(owner, 'device.breaker', (transition) => {
      if (transition.radio === this.options.kind) this.changed(transition);
    });
  }

  /** A breaker of this radio (or of one of its devices) changed state. */
  changed(transition: BreakerTransition): void {
    this.options.metrics?.transition(transition);
    if (transition.device !== undefined) {
      if (transition.state === 'closed') this.openDevices.delete(transition.device);
      else this.openDevices.add(transition.device);
    }
    const data: BridgeEventMap['breaker_state'] = { radio: transition.radio, scope: transition.scope, state: transition.state };
    if (transition.device !== undefined) {
      data.device = transition.device;
      const name = this.options.devices.device(transition.device)?.friendlyName;
      if (name !== undefined) data.friendly_name = name;
    }
    if (transition.error !== undefined) data.error = transition.error;
    if (transition.retryInMs !== undefined) data.retry_in_ms = transition.retryInMs;
    emitBridgeEvent(this.options.devices, 'breaker_state', data);
  }

  /** The devices whose breaker is open or half-open, for the radio's health. */
  devicesWithOpenBreaker(): string[] {
    return [...this.openDevices];
  }
}
