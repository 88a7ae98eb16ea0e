/**
 * The Zigbee radio's options from hearth's config: herdsman's Controller options (adapter
 * type, serial path or `tcp://`, baud rate, the network's channel, PAN ids and key from
 * network-settings.ts), its database (`database.db`) and coordinator backup
 * (`coordinator_backup.json`) under `<stateDir>/zigbee`, availability, throttling and backup
 * intervals, who may join (join-policy.ts), where OTA images come from (ota-index.ts). The network key lives only in these options, never in a log line: a key generated
 * at first start is handed to the log scrubber (`learnSecrets`) before herdsman sees it.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HearthConfig } from '../../config/schema.js';
import { JoinPolicy } from './join-policy.js';
import { networkSettings, wellKnownSettings, zigbeeStateDirectory } from './network-settings.js';
import type { ControllerSettings, ZigbeeRadioOptions } from './zigbee-radio.js';

/** herdsman's Controller options; the network's identity is read (or generated and kept) when the radio starts. */
async function controllerSettings(
  config: HearthConfig,
  serialPath: string,
  log: Logger,
  learnSecrets: LearnSecrets,
): Promise<ControllerSettings> {
  const zigbee = config.radios.zigbee;
  const wellKnown = wellKnownSettings(zigbee);
  if (wellKnown.length > 0)
    log.warn(
      { settings: wellKnown },
      `radios.zigbee: ${wellKnown.join(', ')} set to a well-known default: anyone who knows it can join or listen to the network; leave it unset to have a random one generated`,
    );
  const dir = await zigbeeStateDirectory(config.stateDir);
  const network = await networkSettings(zigbee, config.stateDir);
  learnSecrets([Uint8Array.from(network.networkKey)]);
  return {
    network: { panID: network.panId, extendedPanID: network.extendedPanId, channelList: [network.channel], networkKey: network.networkKey },
    serialPort: {
      path: serialPath,
      baudRate: zigbee.baudRate,
      rtscts: zigbee.rtscts,
      ...(zigbee.adapter === undefined ? {} : { adapter: zigbee.adapter }),
    },
    databasePath: join(dir, 'database.db'),
    databaseBackupPath: join(dir, 'database.db.backup'),
    backupPath: join(dir, 'coordinator_backup.json'),
    adapter: { disableLED: false },
  };
}

/** Tells the log scrubber about a secret made at run time (Logging.learnSecrets). */
export type LearnSecrets = (secrets: readonly (string | Uint8Array)[]) => void;

export function zigbeeRadioOptions(
  config: HearthConfig,
  log: Logger,
  herdsmanLog: Logger,
  serialPath: string,
  learnSecrets: LearnSecrets = () => undefined,
): ZigbeeRadioOptions {
  const zigbee = config.radios.zigbee;
  return {
    controller: () => controllerSettings(config, serialPath, log, learnSecrets),
    log,
    herdsmanLog,
    availability: {
      activeTimeoutMs: zigbee.availability.activeTimeoutS * 1000,
      passiveTimeoutMs: zigbee.availability.passiveTimeoutS * 1000,
    },
    maxReportsPerS: zigbee.maxReportsPerS,
    backupIntervalMs: zigbee.backupIntervalS * 1000,
    databaseSaveIntervalMs: zigbee.databaseSaveIntervalS * 1000,
    joinPolicy: new JoinPolicy({ passlist: zigbee.passlist, blocklist: zigbee.blocklist, maxDevices: zigbee.maxDevices }),
    ota: {
      imagesDir: zigbee.ota.imagesDir,
      indexFile: zigbee.ota.indexFile,
      onlineIndex: zigbee.ota.onlineIndex,
      mergedIndexPath: join(config.stateDir, 'zigbee', 'ota-index.json'),
      requestTimeoutMs: zigbee.ota.imageBlockRequestTimeoutMs,
      responseDelayMs: zigbee.ota.imageBlockResponseDelayMs,
      maximumDataSize: zigbee.ota.defaultMaximumDataSize,
    },
  };
}
