/**
 * Generates the configuration reference (docs/configuration.md) from the schema, so the
 * documentation is the schema: every option with its type, default, environment variable and
 * description, grouped by section.
 */
import { configOptions, configSections, type ConfigOption } from './options.js';

function typeText(option: ConfigOption): string {
  if (option.enum !== undefined) return option.enum.map((value) => `\`${String(value)}\``).join(' | ');
  if (option.type === 'integer' && option.minimum !== undefined && option.maximum !== undefined)
    return `integer ${option.minimum}-${option.maximum}`;
  if (option.type === 'object') return 'mapping';
  return option.type;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function configurationMarkdown(): string {
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs`; a test fails when it is stale. -->',
    '',
    'hearth reads one YAML file (`hearth start --config FILE`, else `$HEARTH_CONFIG`, else',
    '`hearth.yaml` in `$CONFIGURATION_DIRECTORY` or `/etc/hearth`; with none, the demo profile).',
    'Every option has a default, so an empty file is a valid configuration. Values are taken, from',
    'weakest to strongest: the defaults below, the file, then environment variables.',
    '',
    'Each option can be set from the environment: `HEARTH_` and its path in upper case with `_`',
    'between words (`uplink.port` → `HEARTH_UPLINK_PORT`). String options take the value as it',
    'is; others are read as YAML (`1884`, `true`, `{radios.zigbee: debug}`). A `HEARTH_` variable',
    'that names no option is an error. `hearth config check FILE` validates a file and lists every',
    'problem with its path; `hearth start` refuses to run (exit code 78) with any problem.',
    '',
    'Secrets (marked 🔒) never appear in a log line or an error message.',
    '',
  ];
  const bySection = new Map<string, ConfigOption[]>();
  for (const option of configOptions()) {
    const section = option.path.length > 1 ? option.path.slice(0, -1).join('.') : '';
    bySection.set(section, [...(bySection.get(section) ?? []), option]);
  }
  for (const [section, options] of bySection) {
    lines.push(section === '' ? '## Top level' : `## \`${section}\``, '');
    const description = configSections().get(section);
    if (description !== undefined) lines.push(description, '');
    lines.push('| option | type | default | environment | description |', '| --- | --- | --- | --- | --- |');
    for (const option of options) {
      const name = `\`${option.key}\`${option.secret ? ' 🔒' : ''}`;
      const fallback =
        option.defaultText === undefined ? 'unset' : option.defaultIsValue ? `\`${option.defaultText}\`` : option.defaultText;
      lines.push(`| ${name} | ${cell(typeText(option))} | ${cell(fallback)} | \`${option.env}\` | ${cell(option.description)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
