/**
 * The `bridge/devices` document, in Zigbee2MQTT's shape (`Zigbee2MQTTDevice` in its
 * lib/types/api.ts) for every radio, plus hearth's own fields: `id`, `radio`, `room`
 * (`{id, name}` or null, so a client need not join `bridge/rooms` to it) and the record's
 * `model`/`vendor`/`firmware`/`options`.
 *
 * Each device's Zigbee2MQTT fields come in two layers: `baseFields` from the registry record
 * (what applies to any radio: ids, names, a definition built from the capabilities, an interview
 * that is done), then the radio's own (`Radio.deviceDetails`, fetched through `details`): the
 * Zigbee radio gives herdsman's addresses, interview, endpoints and the converters' definition
 * (src/radios/zigbee/zigbee-details.ts); a radio fills in what applies to it, and
 * `RADIO_FIELDS` gives each radio's fields that hold when its radio is not running (a GPIO
 * line's mains power, a Z-Wave node id). A non-Zigbee device's `ieee_address` is its hearth id,
 * so a `bridge/groups` member is found by it.
 */
import type { DeviceService } from '../devices/device-service.js';
import { hasFirmwareUpdate } from '../model/capabilities.js';
import { parseDeviceId, type RadioKind } from '../model/device-id.js';
import type { DeviceRecord } from '../model/device-record.js';
import type { DeviceDetails } from '../radios/radio.js';

export type DetailsOf = (deviceId: string) => DeviceDetails | undefined;

function parsed(id: string): ReturnType<typeof parseDeviceId> | undefined {
  try {
    return parseDeviceId(id);
  } catch {
    return undefined;
  }
}

/** Per radio: the fields that follow from the device id alone. */
export const RADIO_FIELDS: Record<RadioKind, (record: DeviceRecord) => DeviceDetails> = {
  zigbee: (record) => {
    const id = parsed(record.id);
    return { ieee_address: id?.radio === 'zigbee' ? id.ieeeAddress : record.id, type: 'Unknown' };
  },
  zwave: (record) => {
    const id = parsed(record.id);
    return id?.radio === 'zwave' ? { network_address: id.nodeId } : {};
  },
  gpio: (record) => {
    const id = parsed(record.id);
    return { power_source: 'Mains (single phase)', ...(id?.radio === 'gpio' ? { network_address: id.line } : {}) };
  },
};

/** Zigbee2MQTT's fields as far as the registry record knows them (any radio). */
function baseFields(record: DeviceRecord): DeviceDetails {
  return {
    ieee_address: record.id,
    type: 'Unknown',
    network_address: 0,
    supported: true,
    disabled: false,
    power_source: 'Unknown',
    software_build_id: record.firmware,
    model_id: record.model,
    manufacturer: record.vendor,
    interviewing: false,
    interview_completed: true,
    interview_state: 'SUCCESSFUL',
    endpoints: {},
    ...(record.model === undefined
      ? {}
      : {
          definition: {
            source: 'native',
            model: record.model,
            vendor: record.vendor ?? '',
            description: record.model,
            exposes: record.capabilities ?? [],
            supports_ota: hasFirmwareUpdate(record.capabilities ?? []),
            options: [],
          },
        }),
  };
}

export function deviceEntry(devices: DeviceService, record: DeviceRecord, details: DetailsOf): Record<string, unknown> {
  const room = devices.rooms.roomOf(record.id);
  return {
    ...baseFields(record),
    ...RADIO_FIELDS[record.radio](record),
    ...details(record.id),
    id: record.id,
    friendly_name: record.friendlyName,
    radio: record.radio,
    ...(record.model === undefined ? {} : { model: record.model }),
    ...(record.vendor === undefined ? {} : { vendor: record.vendor }),
    ...(record.firmware === undefined ? {} : { firmware: record.firmware }),
    ...(record.options === undefined ? {} : { options: record.options }),
    room: room === undefined ? null : { id: room.id, name: room.name },
  };
}

export function devicesDocument(devices: DeviceService, details: DetailsOf = () => undefined): Record<string, unknown>[] {
  return devices.records().map((record) => deviceEntry(devices, record, details));
}
