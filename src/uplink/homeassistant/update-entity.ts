/**
 * Home Assistant's `update` entity of a device with firmware updates (a capability `update`:
 * the Zigbee radio's zigbee-ota.ts, the Z-Wave radio's node-description.ts): its installed and
 * latest version, progress and whether an update runs, read from the device's state `update`
 * (Zigbee2MQTT's shape). Install on a Zigbee device sends `bridge/request/device/ota_update/update`
 * `{"id":…}`; a Z-Wave device has no install command (its update needs a firmware file or a
 * version of the firmware service: `bridge/request/zwave/firmware_update`). The template reads a
 * state without `update` yet (no check has run) as version -1, as Zigbee2MQTT fills it in, and a
 * latest version not known (null, while an update from a file runs) as the installed one.
 */
import { hasFirmwareUpdate } from '../../model/capabilities.js';
import type { DeviceRecord } from '../../model/device-record.js';

const VALUE_TEMPLATE =
  '{% set u = value_json.update | default({}) %}' +
  '{% set i = u.installed_version | default(-1) %}{% if i is none %}{% set i = -1 %}{% endif %}' +
  '{% set l = u.latest_version | default(-1) %}{% if l is none %}{% set l = i %}{% endif %}' +
  '{"installed_version":"{{ i }}","latest_version":"{{ l }}",' +
  "\"update_percentage\":{{ u.progress | default('null') }},\"in_progress\":{{ 'true' if (u.state | default('')) == 'updating' else 'false' }}}";

/** The `update` entity's config (without ids, device and availability), or none when the device has no OTA. */
export function updateEntities(
  record: DeviceRecord,
  base: string,
  stateTopic: string,
): { component: 'update'; key: string; config: Record<string, unknown> }[] {
  if (!hasFirmwareUpdate(record.capabilities ?? [])) return [];
  return [
    {
      component: 'update',
      key: 'update',
      config: {
        name: null,
        device_class: 'firmware',
        entity_category: 'config',
        state_topic: stateTopic,
        value_template: VALUE_TEMPLATE,
        ...(record.radio === 'zigbee'
          ? { command_topic: `${base}/bridge/request/device/ota_update/update`, payload_install: JSON.stringify({ id: record.id }) }
          : {}),
      },
    },
  ];
}
