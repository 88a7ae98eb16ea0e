/**
 * Home Assistant's `update` entity of a device with OTA firmware updates (a capability
 * `update`, the Zigbee radio's zigbee-ota.ts): its installed and latest version, progress and
 * whether an update runs, read from the device's state `update` (Zigbee2MQTT's shape); Install
 * sends `bridge/request/device/ota_update/update` `{"id":…}`. The template reads a state without
 * `update` yet (no check has run) as version -1, as Zigbee2MQTT fills it in.
 */
import type { Capability } from '../../model/capabilities.js';
import type { DeviceRecord } from '../../model/device-record.js';

const VALUE_TEMPLATE =
  '{% set u = value_json.update | default({}) %}' +
  '{"installed_version":"{{ u.installed_version | default(-1) }}","latest_version":"{{ u.latest_version | default(-1) }}",' +
  "\"update_percentage\":{{ u.progress | default('null') }},\"in_progress\":{{ 'true' if (u.state | default('')) == 'updating' else 'false' }}}";

function hasUpdate(capabilities: readonly Capability[]): boolean {
  return capabilities.some((capability) => 'property' in capability && capability.property === 'update' && capability.type === 'composite');
}

/** The `update` entity's config (without ids, device and availability), or none when the device has no OTA. */
export function updateEntities(
  record: DeviceRecord,
  base: string,
  stateTopic: string,
): { component: 'update'; key: string; config: Record<string, unknown> }[] {
  if (!hasUpdate(record.capabilities ?? [])) return [];
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
        command_topic: `${base}/bridge/request/device/ota_update/update`,
        payload_install: JSON.stringify({ id: record.id }),
      },
    },
  ];
}
