/**
 * `hearth start`: load and validate the config (exit 78 on any problem, before touching
 * anything), build the hub, start it, log "ready", and on SIGTERM/SIGINT stop it within the
 * bound. A second signal while stopping exits at once. With a simulated GPIO radio (as root),
 * the command runs itself again inside a GPIO simulation's mount namespace and waits for it
 * (src/radios/gpio/simulator/hub-in-namespace.ts).
 */
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { describeError, isHearthError } from '../errors.js';
import { Logging } from '../observability/logger.js';
import { secretsOf } from '../observability/secrets.js';
import { openNotifier } from '../observability/sd-notify.js';
import { ServiceNotifications } from '../observability/service-notifications.js';
import { version } from '../version.js';
import { resolveConfigSource } from './config-source.js';
import { ExitCode } from './exit-codes.js';
import { isExpectedZWaveRejection } from '../radios/zwave/expected-zwave-rejection.js';
import { runSelfInGpioNamespace, wantsGpioNamespace } from '../radios/gpio/simulator/hub-in-namespace.js';

export async function startCommand(options: { config?: string | undefined }): Promise<void> {
  const source = resolveConfigSource(options.config);
  const loaded = await loadConfig(source);
  if (!loaded.ok) {
    process.stderr.write(
      `hearth: ${source.label}: invalid configuration\n${loaded.problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`,
    );
    process.exit(ExitCode.Config);
  }
  const config = loaded.config;
  const logging = new Logging({ ...config.logging, secrets: secretsOf(config) });
  const log = logging.forModule('hub');
  if (wantsGpioNamespace(config)) {
    logging.forModule('radios.gpio').info('gpio: simulated; running the hub in a private mount namespace over a simulated sysfs GPIO tree');
    process.exit(await runSelfInGpioNamespace(config));
  }
  log.info({ version, node: process.version, config: source.label, hubId: config.hubId, stateDir: config.stateDir }, 'starting hearth');
  // The whole effective config helps a remote diagnosis; the logger scrubs its secrets.
  log.debug({ config }, 'effective configuration');
  // loaded here, not at the top: a start that runs itself again in a GPIO namespace never needs it
  const { Hub } = await import('../hub.js');
  const hub = await Hub.create(config, logging);
  const notifyLog = logging.forModule('observability.systemd');
  const notify = new ServiceNotifications(
    openNotifier(process.env, (error) => notifyLog.warn({ err: error }, `systemd notification failed: ${describeError(error)}`)),
    () => hub.health(),
    notifyLog,
  );
  notify.starting(`starting hearth ${version}`);

  let stopping: Promise<never> | undefined;
  const shutdown = (reason: string, exitCode: number): Promise<never> => {
    stopping ??= (async () => {
      log.info({ reason }, 'stopping hearth');
      notify.stopping(reason);
      try {
        await hub.stop();
        log.info({ reason }, 'hearth stopped');
        process.exit(exitCode);
      } catch (error) {
        log.fatal({ err: error }, `hearth did not stop cleanly: ${describeError(error)}`);
        notify.failed(`did not stop cleanly: ${describeError(error)}`);
        process.exit(ExitCode.Failure);
      }
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping !== undefined) {
        log.warn({ signal }, 'second stop request while stopping; exiting now');
        process.exit(ExitCode.Failure);
      }
      void shutdown(signal, ExitCode.Ok);
    });
  }
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, `uncaught exception: ${describeError(error)}`);
    void shutdown('uncaught exception', ExitCode.Failure);
  });
  process.on('unhandledRejection', (error) => {
    if (isExpectedZWaveRejection(error)) {
      log.debug({ err: error }, `zwave-js left a rejection unhandled (${describeError(error)}); the radio's supervision deals with it`);
      return;
    }
    log.fatal({ err: error }, `unhandled rejection: ${describeError(error)}`);
    void shutdown('unhandled rejection', ExitCode.Failure);
  });

  try {
    const completed = await hub.start();
    if (!completed) return; // a stop request interrupted start-up; shutdown() exits.
  } catch (error) {
    log.fatal({ err: error, code: isHearthError(error) ? error.code : undefined }, `hearth could not start: ${describeError(error)}`);
    notify.failed(`could not start: ${describeError(error)}`);
    process.exit(ExitCode.Failure);
  }
  const readyMs = Math.round(performance.now());
  const rssMb = Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10;
  log.info({ ready_ms: readyMs, rss_mb: rssMb, health: hub.health().status }, 'hearth is ready');
  notify.ready();
}
