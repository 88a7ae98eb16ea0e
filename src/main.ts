#!/usr/bin/env node
/**
 * The `hearth` command line: start, config check, config schema, doctor, --version, --help.
 * Each command lives in src/cli/; this file only wires them to commander.
 */
import { Command, Option } from 'commander';
import { configCheckCommand, configSchemaCommand } from './cli/config-commands.js';
import { doctorCommand } from './cli/doctor.js';
import { ExitCode } from './cli/exit-codes.js';
import { startCommand } from './cli/start.js';
import { errorsMarkdown } from './error-docs.js';
import { describeError } from './errors.js';
import { version } from './version.js';

const program = new Command()
  .name('hearth')
  .description('Edge runtime for a home hub: Zigbee, Z-Wave and GPIO devices, synced to an MQTT broker.')
  .version(version, '-v, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage));

program
  .command('start')
  .description('run the hub (the demo profile when no config file is found)')
  .option('-c, --config <file>', 'YAML config file (default: $HEARTH_CONFIG, else /etc/hearth/hearth.yaml)')
  .action(async (options: { config?: string }) => startCommand(options));

const config = program.command('config').description('check a config file, or print the options');
config
  .command('check')
  .description('validate a config file and list every problem with its path')
  .argument('<file>', 'YAML config file')
  .action(async (file: string) => {
    process.exitCode = await configCheckCommand(file);
  });
config
  .command('schema')
  .description('print every option with its default and description')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
  .option('-o, --output <file>', 'write to a file instead of stdout')
  .action(async (options: { format: string; output?: string }) => {
    process.exitCode = await configSchemaCommand(options);
  });

program
  .command('errors')
  .description('list the error codes with what each means')
  .action(() => {
    process.stdout.write(errorsMarkdown());
  });

program
  .command('doctor')
  .description('check Node, config, state directory, serial ports, GPIO and the broker, with a fix for each failure')
  .option('-c, --config <file>', 'YAML config file (default as for start)')
  .action(async (options: { config?: string }) => {
    process.exitCode = await doctorCommand(options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`hearth: ${describeError(error)}\n`);
  process.exit(ExitCode.Failure);
});
