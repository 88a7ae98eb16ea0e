/**
 * The zwave-js driver options from hearth's config: the network cache under the hub's state
 * directory (`<stateDir>/zwave`), the S0/S2 keys from config (never logged: they live only in
 * the driver's options), and zwave-js's own log at the level the logger of module
 * `radios.zwave.driver` has (`logging.modules`). The pino transport it is routed through is
 * not part of these options: ZWaveRadio gives each driver incarnation its own (log-transport.ts).
 *
 * zwave-js's databases (network cache, values, metadata: JSONL files) each hold a lock file
 * whose mtime is refreshed while the driver runs. zwave-js hands no stale time to the lock, and
 * the lock library then refreshes every second (three databases: three wake-ups a second in an
 * idle hub); here the stale time is `radios.zwave.databaseLockStaleS` (30 s), refreshed every half of it, with
 * retries that outlast a lock a killed hub left behind (the next start waits until it is stale instead of failing).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { db as jsonlDatabases } from '@zwave-js/core/bindings/db/jsonl';
import type { DatabaseFactory } from '@zwave-js/shared/bindings';
import type { PartialZWaveOptions } from 'zwave-js';
import type { HearthConfig } from '../../config/schema.js';

const ZWAVE_LEVELS: Record<string, string> = {
  trace: 'silly',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
  silent: 'error',
};

function key(hex: string | undefined): Buffer | undefined {
  return hex === undefined ? undefined : Buffer.from(hex.replace(/^0x/, ''), 'hex');
}

/** How long a database lock is good for without a refresh (`staleS`), how often the driver refreshes it, and how it retries a held one. */
export function databaseLock(staleS: number): { staleMs: number; updateMs: number; retries: number; retryMinTimeoutMs: number } {
  return { staleMs: staleS * 1000, updateMs: (staleS * 1000) / 2, retries: 10, retryMinTimeoutMs: 1000 };
}

/** zwave-js's JSONL databases, with the lock settings above. */
export function databases(staleS: number): DatabaseFactory {
  const lock = databaseLock(staleS);
  return {
    createInstance(filename, options) {
      // zwave-js hands jsonl-db's own options through (DatabaseOptions does not name the lock ones)
      const lockfile = (options as { lockfile?: Record<string, unknown> } | undefined)?.lockfile;
      return jsonlDatabases.createInstance(filename, { ...options, lockfile: { ...lockfile, ...lock } } as typeof options);
    },
  };
}

export function zwaveDriverOptions(config: HearthConfig, driverLog: Logger): PartialZWaveOptions {
  const keys = config.radios.zwave.securityKeys;
  const securityKeys: NonNullable<PartialZWaveOptions['securityKeys']> = {};
  const pairs = [
    ['S0_Legacy', keys.s0Legacy],
    ['S2_Unauthenticated', keys.s2Unauthenticated],
    ['S2_Authenticated', keys.s2Authenticated],
    ['S2_AccessControl', keys.s2AccessControl],
  ] as const;
  for (const [name, hex] of pairs) {
    const value = key(hex);
    if (value !== undefined) securityKeys[name] = value;
  }
  const cacheDir = join(config.stateDir, 'zwave');
  return {
    storage: { cacheDir, lockDir: join(cacheDir, 'locks') },
    // enabled: false turns off zwave-js's console and file output; the radio's transport still gets every entry
    logConfig: { enabled: false, level: ZWAVE_LEVELS[driverLog.level] ?? 'info' },
    securityKeys,
    host: { db: databases(config.radios.zwave.databaseLockStaleS) },
  };
}
