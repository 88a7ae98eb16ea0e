import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigOrThrow } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { defaultHubId } from '../../src/config/schema.js';
import { tempDir } from '../support/temp-dir.js';

async function yamlFile(text: string): Promise<string> {
  const file = join(await tempDir(), 'hearth.yaml');
  await writeFile(file, text);
  return file;
}

async function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const result = await loadConfig({ file: await yamlFile(text), env });
  if (result.ok) throw new Error('expected problems, the config was accepted');
  return result.problems.map(formatProblem);
}

describe('loading the configuration', () => {
  it('gives every option its default for an empty file', async () => {
    const config = await loadConfigOrThrow({ file: await yamlFile(''), env: {} });
    expect(config.uplink.port).toBe(1883);
    expect(config.uplink.host).toBe('127.0.0.1');
    expect(config.logging.level).toBe('info');
    expect(config.shutdown.timeoutMs).toBe(10_000);
    expect(config.metrics.enabled).toBe(false);
    expect(config.radios.zigbee.enabled).toBe(false);
    expect(config.hubId).toBe(defaultHubId());
  });

  it('takes values from the file and lets HEARTH_ variables override single values', async () => {
    const file = await yamlFile('hubId: attic\nuplink:\n  host: broker.example\n  port: 8883\nlogging:\n  modules:\n    uplink: debug\n');
    const config = await loadConfigOrThrow({
      file,
      env: {
        HEARTH_UPLINK_PORT: '1884',
        HEARTH_LOGGING_MODULES: '{radios.zigbee: trace}',
        HEARTH_UPLINK_USERNAME: '0123',
        PATH: '/usr/bin',
      },
    });
    expect(config.hubId).toBe('attic');
    expect(config.uplink.host).toBe('broker.example');
    expect(config.uplink.port).toBe(1884);
    // a string option keeps the variable's text as it is, not as a YAML number
    expect(config.uplink.username).toBe('0123');
    // a variable replaces the option it names, it does not merge into it
    expect(config.logging.modules).toEqual({ 'radios.zigbee': 'trace' });
  });

  it('reports three wrong values as three path-qualified problems, with what was given', async () => {
    const problems = await problemsOf('uplink:\n  port: abc\nlogging:\n  level: loud\nshutdown:\n  timeoutMs: -5\n');
    expect(problems).toHaveLength(3);
    expect(problems).toContain('uplink.port: expected an integer 1-65535, got "abc"');
    expect(problems).toContain('logging.level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(problems).toContain('shutdown.timeoutMs: expected an integer 100-300000, got -5');
  });

  it('names the environment variable a wrong value came from, and unknown HEARTH_ variables', async () => {
    const problems = await problemsOf('', {
      HEARTH_UPLINK_PORT: 'abc',
      HEARTH_UPLNK_HOST: 'x',
      HEARTH_CONFIG: '/ignored',
      // the suite's and the benches' own (a hub they start inherits them): not options, not problems
      HEARTH_TEST_TSX: '1',
      HEARTH_BENCH_CENSUS: '1',
    });
    expect(problems).toEqual([
      'HEARTH_UPLNK_HOST: names no hearth option (see `hearth config schema` for the list)',
      'uplink.port (from HEARTH_UPLINK_PORT): expected an integer 1-65535, got "abc"',
    ]);
  });

  it('catches misspelt options and suggests the right name', async () => {
    expect(await problemsOf('uplink:\n  prot: 1884\n')).toEqual(['uplink.prot: unknown option (did you mean "port"?)']);
    expect(await problemsOf('metrix: {}\n')).toEqual(['metrix: unknown option (did you mean "metrics"?)']);
  });

  it('never echoes a secret in a problem', async () => {
    const problems = await problemsOf('uplink:\n  password: 12345678\nradios:\n  zigbee:\n    networkKey: "s3cr3t-not-hex-at-all"\n');
    expect(problems).toEqual([
      'uplink.password: expected a string, got <redacted>',
      'radios.zigbee.networkKey: expected a 16-byte key as 32 hex digits, got <redacted>',
    ]);
    expect(problems.join('\n')).not.toMatch(/12345678|s3cr3t/);
  });

  it('requires a serial port for a real radio, not for a simulated one', async () => {
    expect(await problemsOf('radios:\n  zwave:\n    enabled: true\n')).toEqual([
      'radios.zwave.serialPort: required when the radio is enabled and not simulated (e.g. /dev/serial/by-id/…), got nothing',
    ]);
    const simulated = await loadConfigOrThrow({
      file: await yamlFile('radios:\n  zwave:\n    enabled: true\n    simulate: true\n'),
      env: {},
    });
    expect(simulated.radios.zwave.simulate).toBe(true);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const file = await yamlFile('uplink:\n  port: 1883\n   host: x\n');
    const result = await loadConfig({ file, env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(formatProblem(result.problems[0]!)).toBe(`${file}:2:9: not valid YAML: Nested mappings are not allowed in compact mappings`);
  });

  it('refuses a file that is not a mapping, and a file that does not exist', async () => {
    expect(await problemsOf('- a\n- b\n')).toEqual([expect.stringMatching(/: expected a mapping of options at the top level$/)]);
    const missing = await loadConfig({ file: '/nonexistent/hearth.yaml', env: {} });
    expect(missing.ok ? [] : missing.problems.map(formatProblem)).toEqual([
      '/nonexistent/hearth.yaml: cannot read the config file: no such file',
    ]);
  });

  it('lays the file over a profile', async () => {
    const config = await loadConfigOrThrow({
      profile: { hubId: 'demo', metrics: { enabled: true } },
      file: await yamlFile('metrics:\n  port: 9999\n'),
      env: {},
    });
    expect(config.hubId).toBe('demo');
    expect(config.metrics).toMatchObject({ enabled: true, port: 9999 });
  });
});
