/**
 * zigbee-herdsman's and zigbee-herdsman-converters' own logs, routed into pino: each library
 * logs through a logger it lets the application set (`setLogger`); both go to the logger of
 * module `radios.zigbee.herdsman` at the matching level, with the library's namespace
 * (`zh:controller`, `zhc:ikea`, …) as a field. Lazy messages are only built when the level is
 * on. Both setters are process-wide, as the libraries are: the last radio started wins.
 */
import type { Logger } from 'pino';
import { setLogger as setHerdsmanLogger } from 'zigbee-herdsman';
import { setLogger as setConvertersLogger } from 'zigbee-herdsman-converters';

type Message = string | (() => string);

export function routeHerdsmanLogs(log: Logger): void {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: Message, namespace: string): void => {
      if (!log.isLevelEnabled(level)) return;
      log[level]({ namespace }, typeof message === 'function' ? message() : message);
    };
  const logger = { debug: at('debug'), info: at('info'), warning: at('warn'), error: at('error') };
  setHerdsmanLogger(logger);
  setConvertersLogger(logger);
}
