/**
 * The coordinator backup file: made the hub's alone and synced once herdsman wrote it
 * (`protectBackupFile`), and what leaves the hub of it (open-coordinator-backup format): by default the
 * Zigbee network key and the devices' trust-center link keys are taken out, so a reader of the
 * backup response learns the network's layout but cannot join or decrypt it. The file in the
 * state directory always keeps them (a restore needs them).
 */
import { chmod, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { describeError } from '../../errors.js';
import { fsyncDirectory } from '../../store/atomic-file.js';

type Json = Record<string, unknown>;

/**
 * herdsman writes the backup atomically (a temp file renamed over the old one) but readable by
 * all and without an fsync: only the hub may read it (it holds the network key), and it is
 * synced to the card with its directory, so a power cut right after leaves it whole.
 */
export async function protectBackupFile(path: string, log: Logger): Promise<void> {
  try {
    await chmod(path, 0o600);
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDirectory(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ err: error }, `could not secure the Zigbee coordinator backup ${path}: ${describeError(error)}`);
  }
}

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
  if (Array.isArray(copy.devices))
    copy.devices = copy.devices.map((device: unknown) =>
      isObject(device) && 'link_key' in device ? { ...device, link_key: withoutKey(device.link_key) } : device,
    );
  return copy;
}
