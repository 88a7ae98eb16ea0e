/**
 * The `bridge/devices` document: every device with what is known of it, and the room it is in
 * (`room: {id, name}`, or null), so a client does not have to join `bridge/rooms` to it.
 */
import type { DeviceService } from '../devices/device-service.js';

export function devicesDocument(devices: DeviceService): Record<string, unknown>[] {
  return devices.records().map((record) => {
    const room = devices.rooms.roomOf(record.id);
    return {
      id: record.id,
      friendly_name: record.friendlyName,
      radio: record.radio,
      ...(record.model === undefined ? {} : { model: record.model }),
      ...(record.vendor === undefined ? {} : { vendor: record.vendor }),
      ...(record.firmware === undefined ? {} : { firmware: record.firmware }),
      ...(record.options === undefined ? {} : { options: record.options }),
      room: room === undefined ? null : { id: room.id, name: room.name },
    };
  });
}
