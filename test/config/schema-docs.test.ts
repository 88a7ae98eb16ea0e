import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configurationMarkdown } from '../../src/config/docs.js';
import { configOptions, secretPaths } from '../../src/config/options.js';
import { configSchema } from '../../src/config/schema.js';
import { errorsMarkdown } from '../../src/error-docs.js';
import { ErrorCode } from '../../src/errors.js';

describe('the configuration schema and its documentation', () => {
  it('gives every option a one-line description and a default (or documents it as unset)', () => {
    expect(configOptions().length).toBeGreaterThan(20);
    const parsed = configSchema.parse({});
    for (const option of configOptions()) {
      expect(option.description, option.key).toMatch(/^\S.*[.)]$/);
      expect(option.description, option.key).not.toContain('\n');
      // an option without a default must be optional: an empty config is valid
      let value: unknown = parsed;
      for (const segment of option.path) value = (value as Record<string, unknown> | undefined)?.[segment];
      if (option.defaultText === undefined) expect(value, option.key).toBeUndefined();
      else expect(value, option.key).not.toBeUndefined();
    }
  });

  it('names every environment variable after its path, without collisions', () => {
    const names = configOptions().map((option) => option.env);
    expect(new Set(names).size).toBe(names.length);
    expect(configOptions().find((option) => option.key === 'uplink.port')?.env).toBe('HEARTH_UPLINK_PORT');
    expect(configOptions().find((option) => option.key === 'radios.zwave.securityKeys.s2AccessControl')?.env).toBe(
      'HEARTH_RADIOS_ZWAVE_SECURITY_KEYS_S2_ACCESS_CONTROL',
    );
  });

  it('marks the broker password and every network key as secret', () => {
    const secrets = configOptions()
      .filter((option) => option.secret)
      .map((option) => option.key);
    expect(secrets).toEqual(
      expect.arrayContaining([
        'uplink.password',
        'radios.zigbee.networkKey',
        'radios.zwave.securityKeys.s0Legacy',
        'radios.zwave.securityKeys.s2AccessControl',
      ]),
    );
  });

  it('finds the same secrets walking the schema (what every start reads) as its JSON Schema (the docs)', () => {
    const fromJsonSchema = configOptions()
      .filter((option) => option.secret)
      .map((option) => option.key);
    expect(secretPaths().map((path) => path.join('.'))).toEqual(fromJsonSchema);
  });

  it('keeps docs/errors.md equal to what src/error-docs.ts generates, with every code in it (npm run docs)', async () => {
    const committed = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(errorsMarkdown());
    for (const code of Object.values(ErrorCode)) expect(committed).toContain(`| \`${code}\` |`);
  });

  it('keeps docs/configuration.md equal to what the schema generates (npm run docs)', async () => {
    const committed = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed).toBe(configurationMarkdown());
    for (const option of configOptions()) expect(committed).toContain(`\`${option.key}\``);
  });
});
