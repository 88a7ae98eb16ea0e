/**
 * herdsman's controller settings for a hub on a simulated Zigbee network (tests and the zigbee
 * bench): a fixed network identity (PAN id, extended PAN id, channel, network key), so a
 * restart on the same state finds its network, and herdsman's files in the hub's state
 * directory.
 */
import { join } from 'node:path';
import type { ZigbeeRadioOptions } from '../../src/radios/zigbee/zigbee-radio.js';

export const SIMULATED_PAN_ID = 0x4242;

export type SimulatedControllerSettings = Exclude<ZigbeeRadioOptions['controller'], () => unknown>;

export function simulatedControllerSettings(serialPath: string, stateDir: string): SimulatedControllerSettings {
  return {
    network: {
      panID: SIMULATED_PAN_ID,
      extendedPanID: [0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3],
      channelList: [15],
      networkKey: [...Buffer.from('3f1e2d4c5b6a79881726354453627180', 'hex')],
    },
    serialPort: { path: serialPath },
    databasePath: join(stateDir, 'database.db'),
    databaseBackupPath: join(stateDir, 'database.db.backup'),
    backupPath: join(stateDir, 'coordinator_backup.json'),
    adapter: { disableLED: false },
  };
}
