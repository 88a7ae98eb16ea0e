/**
 * What leaves the hub of a coordinator backup (open-coordinator-backup format): by default the
 * Zigbee network key and the devices' trust-center link keys are taken out, so a reader of the
 * backup response learns the network's layout but cannot join or decrypt it. The file in the
 * state directory always keeps them (a restore needs them).
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutKey(value: unknown): unknown {
  if (!isObject(value)) return value;
  const { key: _key, ...rest } = value;
  return rest;
}

/** The backup without `network_key.key` and `devices[].link_key.key` (a copy; the argument is unchanged). */
export function backupWithoutKeys(backup: unknown): unknown {
  if (!isObject(backup)) return backup;
  const copy: Json = { ...backup };
  if ('network_key' in copy) copy.network_key = withoutKey(copy.network_key);
  if (Array.isArray(copy.devices)) copy.devices = copy.devices.map((device: unknown) => (isObject(device) && 'link_key' in device ? { ...device, link_key: withoutKey(device.link_key) } : device));
  return copy;
}
