/**
 * The Zigbee network's identity: channel, PAN id, extended PAN id and network key. Values set
 * in config win; the ones left unset are generated at random on first start (never herdsman's
 * well-known defaults, which anyone could join with) and kept in `<stateDir>/zigbee/network.json`
 * (mode 0600, written atomically), so the network stays the same across restarts. The key is
 * never logged.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, HearthError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';

export interface ZigbeeNetworkSettings {
  channel: number;
  panId: number;
  extendedPanId: number[];
  networkKey: number[];
}

export interface ConfiguredNetwork {
  channel: number;
  panId?: number | undefined;
  extendedPanId?: string | undefined;
  networkKey?: string | undefined;
}

interface StoredNetwork {
  panId: number;
  extendedPanId: string;
  networkKey: string;
}

/** herdsman's and Zigbee2MQTT's defaults: a network on these is open to anyone who knows them. */
const WELL_KNOWN_PAN_IDS = new Set([0x1a62, 0xffff]);
const WELL_KNOWN_KEY = '01030507090b0d0f00020406080a0c0d';
const WELL_KNOWN_EXTENDED = new Set(['dddddddddddddddd', '0000000000000000', 'ffffffffffffffff']);

const bytes = (hex: string): number[] => [...Buffer.from(hex.replace(/^0x/, ''), 'hex')];

function generated(): StoredNetwork {
  let panId = randomInt(1, 0xfffe);
  while (WELL_KNOWN_PAN_IDS.has(panId)) panId = randomInt(1, 0xfffe);
  let extendedPanId = randomBytes(8).toString('hex');
  while (WELL_KNOWN_EXTENDED.has(extendedPanId)) extendedPanId = randomBytes(8).toString('hex');
  let networkKey = randomBytes(16).toString('hex');
  while (networkKey === WELL_KNOWN_KEY) networkKey = randomBytes(16).toString('hex');
  return { panId, extendedPanId, networkKey };
}

function parseStored(text: string, path: string): StoredNetwork {
  const value = JSON.parse(text) as Partial<StoredNetwork>;
  const ok =
    Number.isInteger(value.panId) &&
    typeof value.extendedPanId === 'string' &&
    /^[0-9a-f]{16}$/.test(value.extendedPanId) &&
    typeof value.networkKey === 'string' &&
    /^[0-9a-f]{32}$/.test(value.networkKey);
  if (!ok)
    throw new HearthError(
      ErrorCode.StoreCorrupt,
      `${path}: expected {"panId":<number>,"extendedPanId":<16 hex digits>,"networkKey":<32 hex digits>}`,
    );
  return value as StoredNetwork;
}

/** Which of the configured values are the well-known defaults anyone could join a network with. */
export function wellKnownSettings(configured: ConfiguredNetwork): string[] {
  const found: string[] = [];
  if (configured.panId !== undefined && WELL_KNOWN_PAN_IDS.has(configured.panId)) found.push('panId');
  if (configured.extendedPanId !== undefined && WELL_KNOWN_EXTENDED.has(configured.extendedPanId.replace(/^0x/, '').toLowerCase()))
    found.push('extendedPanId');
  if (configured.networkKey !== undefined && configured.networkKey.replace(/^0x/, '').toLowerCase() === WELL_KNOWN_KEY)
    found.push('networkKey');
  return found;
}

/**
 * `<stateDir>/zigbee`, made (or made again) 0700 whatever the umask: herdsman writes the
 * coordinator backup there, readable by all, before the radio can chmod it.
 */
export async function zigbeeStateDirectory(stateDir: string): Promise<string> {
  const dir = join(stateDir, 'zigbee');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** The network settings: config first, then what was generated and kept on an earlier start, else new random ones (kept now). */
export async function networkSettings(configured: ConfiguredNetwork, stateDir: string): Promise<ZigbeeNetworkSettings> {
  const path = join(stateDir, 'zigbee', 'network.json');
  let stored: StoredNetwork | undefined;
  try {
    stored = parseStored(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw error instanceof HearthError ? error : new HearthError(ErrorCode.StoreCorrupt, `${path}: ${String(error)}`, { cause: error });
  }
  if (stored === undefined) {
    stored = generated();
    await zigbeeStateDirectory(stateDir);
    await writeFileAtomic(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    channel: configured.channel,
    panId: configured.panId ?? stored.panId,
    extendedPanId: bytes(configured.extendedPanId ?? stored.extendedPanId),
    networkKey: bytes(configured.networkKey ?? stored.networkKey),
  };
}
