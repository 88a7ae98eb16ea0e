/**
 * The hub's event map: what the device side, the radios and the uplink tell each other through
 * the one EventBus (src/events/event-bus.ts). Devices emit state, events and registry changes;
 * radios and breakers emit bridge events; the uplink, Home Assistant discovery and the radio
 * wiring listen. Nothing here is delivered inside the emitter's turn.
 */
import type { DeviceView } from '../model/device-view.js';
import type { DeviceRecord } from '../model/device-record.js';
import type { BreakerTransition } from '../model/breaker-state.js';
import type { EventBus } from './event-bus.js';
import type { BridgeEvent } from './bridge-events.js';

export interface HubEventMap {
  /** A device's state changed (`changed`: the attributes, `availability` among them). */
  'device.state': { view: DeviceView; changed: readonly string[] };
  /** A device sent an event (`action` and the like), not kept as state. */
  'device.event': { view: DeviceView; values: Record<string, unknown> };
  /** The device list changed (added, renamed, options, removed). */
  'devices.changed': Record<string, never>;
  'rooms.changed': Record<string, never>;
  /** The groups changed (added, renamed, members, options, removed). */
  'groups.changed': Record<string, never>;
  /** A device was renamed: its topics move. */
  'device.renamed': { record: DeviceRecord; from: string };
  /** A device was removed: its topics are cleared, its radio forgets it. */
  'device.removed': { record: DeviceRecord };
  /** A device's circuit breaker changed state. */
  'device.breaker': BreakerTransition;
  /** A radio starts announcing the devices it knows (`settling`), or has announced them (or given up: stopped, failed, out of time). */
  'radio.settling': { radio: string; settling: boolean };
  /** Something for `bridge/event`. */
  'bridge.event': BridgeEvent;
  /** The local rules or their state changed: `bridge/rules`. */
  'rules.changed': { rules: readonly unknown[] };
  /** A rule's MQTT message, `topic` under the hub's base topic, for the outbox. */
  'rules.publish': { topic: string; payload: string; retain: boolean };
}

export type HubEvents = EventBus<HubEventMap>;
