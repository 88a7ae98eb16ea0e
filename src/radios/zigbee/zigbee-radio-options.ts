/** The options of the Zigbee radio (zigbee-radio.ts): herdsman's Controller settings, the waits and limits, and the hooks the simulator uses. */
import type { Logger } from 'pino';
import type { Controller } from 'zigbee-herdsman';
import type { JoinPolicy } from './join-policy.js';
import type { ZigbeeOtaSettings } from './ota-index.js';
import type { ZigbeeRadio } from './zigbee-radio.js';

type ControllerOptions = ConstructorParameters<typeof Controller>[0];
export type ControllerSettings = Omit<ControllerOptions, 'acceptJoiningDeviceHandler'>;

export interface ZigbeeRadioOptions {
  /** Everything herdsman's Controller takes (network, serial port, database and backup paths), or how to get it at start (a first start generates the network's key). */
  controller: ControllerSettings | (() => Promise<ControllerSettings>);
  log: Logger;
  /** The logger herdsman's and the converters' own logs go to. */
  herdsmanLog?: Logger;
  availability: { activeTimeoutMs: number; passiveTimeoutMs: number };
  maxReportsPerS: number;
  backupIntervalMs: number;
  /** How often herdsman's database is saved for its last-seen times and attribute cache (when changed): `databaseSaveIntervalS`; herdsman's 5 minutes when unset. */
  databaseSaveIntervalMs?: number;
  /** How long the coordinator may take to answer a probe. */
  probeTimeoutMs?: number;
  /**
   * How long a command to a sleeping end device may take before it counts as queued: herdsman
   * keeps it and sends it when the device checks in (default 5 s).
   */
  sleepyAnswerMs?: number;
  /** Runs after the controller started and known devices were announced (the simulator's devices join here). */
  afterStart?: (radio: ZigbeeRadio) => void;
  afterStop?: () => void;
  /** A name for a new device, if the backend has one (the simulator names its devices `zigbee/<kind>`). */
  nameOf?: (ieeeAddress: string) => string | undefined;
  /** Who may join (pass list, block list, device cap); everyone when unset. */
  joinPolicy?: JoinPolicy;
  /** Where OTA images come from and how blocks are served (`radios.zigbee.ota`). */
  ota?: ZigbeeOtaSettings;
}
