/**
 * Logging with pino. JSON lines on stdout by default (journald keeps them under systemd), a
 * readable form on a terminal; a root level plus per-module levels where the longest matching
 * prefix wins (`radios` covers `radios.zigbee` unless that has its own). The libraries' own logs
 * (zwave-js, zigbee-herdsman) are at `warn` unless `logging.modules` names their module: at
 * info they print hundreds of lines a start that say nothing to a user. Every line passes a
 * scrubber that removes the config's secrets, whatever put them there, and the secrets the hub
 * makes at run time once they are learnt (`learnSecrets`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/schema.js';
import { SecretScrubber, spellingsOf } from './secrets.js';

export type { Logger } from 'pino';

export interface LoggingOptions {
  level: LogLevel;
  format: 'auto' | 'json' | 'pretty';
  modules: Readonly<Record<string, LogLevel>>;
  /** Values that must never appear in a line (from secretsOf(config)). */
  secrets?: readonly string[];
  /** Where lines go; stdout when unset. */
  destination?: DestinationStream;
}

/** Field names that hold secrets wherever they appear in a logged object. */
const REDACT_PATHS = [
  'password',
  'networkKey',
  'securityKeys',
  '*.password',
  '*.networkKey',
  '*.securityKeys',
  '*.*.password',
  '*.*.networkKey',
  '*.*.securityKeys',
];

/**
 * The modules that carry a library's own log, and their level unless `logging.modules` names
 * them (never below the root level: a hub at `error` keeps them at `error`).
 */
export const LIBRARY_LEVELS: Readonly<Record<string, LogLevel>> = {
  'radios.zwave.driver': 'warn',
  'radios.zigbee.herdsman': 'warn',
};

const SEVERITY: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function moreSevere(a: LogLevel, b: LogLevel): LogLevel {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

/** The configured module levels with the libraries' defaults beside them (the configured ones win). */
function moduleLevels(options: LoggingOptions): [string, LogLevel][] {
  const levels: Record<string, LogLevel> = {};
  for (const [module, level] of Object.entries(LIBRARY_LEVELS)) levels[module] = moreSevere(level, options.level);
  Object.assign(levels, options.modules);
  return Object.entries(levels).sort(([a], [b]) => b.length - a.length);
}

function usePretty(options: LoggingOptions): boolean {
  if (options.format === 'pretty') return true;
  if (options.format === 'json') return false;
  return options.destination === undefined && process.stdout.isTTY;
}

/** What the hub's parts need of logging: a logger per module (tests hand in one quiet logger), and secrets learnt at run time. */
export type ModuleLogging = Pick<Logging, 'forModule' | 'learnSecrets'>;

export class Logging {
  readonly root: Logger;
  private readonly modules: [string, LogLevel][];
  private readonly scrubber: SecretScrubber;

  constructor(options: LoggingOptions) {
    this.scrubber = new SecretScrubber(options.secrets ?? []);
    const scrub = this.scrubber.scrub;
    const destination =
      options.destination ??
      (usePretty(options)
        ? pretty({
            colorize: process.stdout.isTTY,
            sync: true,
            translateTime: 'SYS:HH:MM:ss.l',
            ignore: 'pid,hostname,module',
            messageFormat: '{if module}[{module}] {end}{msg}',
          })
        : pino.destination({ dest: 1, sync: true }));
    this.root = pino(
      {
        level: options.level,
        base: undefined,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        hooks: { streamWrite: scrub },
        formatters: { level: (label) => ({ level: label }) },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      destination,
    );
    this.modules = moduleLevels(options);
  }

  /** The level of a module: its own, its nearest configured prefix's (a library's default counting as configured), or the root level. */
  levelOf(module: string): LogLevel {
    for (const [prefix, level] of this.modules) {
      if (module === prefix || module.startsWith(`${prefix}.`)) return level;
    }
    return this.root.level as LogLevel;
  }

  /** Secrets made at run time (a generated network key, as hex or bytes): no line shows them from now on, in any spelling. */
  learnSecrets(secrets: readonly (string | Uint8Array)[]): void {
    this.scrubber.add(spellingsOf(secrets));
  }

  /** A child logger for one part of the hub, tagged with `module`. */
  forModule(module: string): Logger {
    return this.root.child({ module }, { level: this.levelOf(module) });
  }
}
