/** The Z-Wave radio's options (zwave-radio.ts): its port, the driver's options, logs, hooks, limits, queue, NVM backup and firmware settings. */
import type { Logger } from 'pino';
import type { Driver, PartialZWaveOptions } from 'zwave-js';
import type { QueuedCommands } from './queued-commands.js';
import type { FirmwareSettings } from './tools/firmware-updates.js';

/** What the driver opens: a serial path, `tcp://host:port`, or a binding factory (the simulator). */
export type ZWavePort = ConstructorParameters<typeof Driver>[0];

export interface ZWaveRadioOptions {
  port: ZWavePort;
  driverOptions: PartialZWaveOptions;
  log: Logger;
  /** Where zwave-js's own log goes: each driver incarnation gets a transport of its own into it, closed when that driver is destroyed. */
  driverLog?: Logger;
  /** How long start waits for the controller (driver ready). */
  readyTimeoutMs?: number;
  /** Runs after the driver is ready, before nodes still in their interview are announced (the simulator names them and starts its activity here). */
  afterStart?: (driver: Driver) => void;
  /** Runs after the driver is gone, at every stop (the simulator's activity pauses here). */
  afterStop?: () => void;
  /** Devices the network holds at most (the controller not counted): no inclusion past it. */
  maxDevices?: number;
  /** Where commands for sleeping nodes wait (durably, zwave-from-config.ts); in memory only when absent. */
  queuedCommands?: QueuedCommands;
  /** Where the controller's NVM backup goes (tools/nvm-backups.ts), and how often; none written when absent. */
  nvmBackup?: { path: string; intervalMs: number };
  /** Where firmware files are read from, how large one may be, and the online update service if enabled (tools/firmware-updates.ts). */
  firmware?: FirmwareSettings;
}
