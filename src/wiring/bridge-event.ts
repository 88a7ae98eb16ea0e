/** A `bridge/event` from the radio wiring, through the hub's event bus. */
import type { DeviceService } from '../devices/device-service.js';
import { bridgeEvent, type BridgeEventMap, type BridgeEventType } from '../events/bridge-events.js';

export function emitBridgeEvent<K extends BridgeEventType>(devices: DeviceService, type: K, data: BridgeEventMap[K]): void {
  devices.events.emit('bridge.event', bridgeEvent(type, data));
}
