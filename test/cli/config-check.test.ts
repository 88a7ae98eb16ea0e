import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { cleanEnv, runHearth } from '../support/hearth-process.js';

describe('hearth config check', () => {
  it('prints three path-qualified errors for three wrong values and exits non-zero', async () => {
    const { file } = await writeConfig({
      uplink: { port: 'abc' },
      metrics: { enabled: 'yes' },
      radios: { gpio: { sysfsPath: 'relative/path' } },
    });
    const { code, stderr, stdout } = await runHearth(['config', 'check', file]);
    expect(code).toBe(78);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(`${file}: 3 problems`);
    expect(lines.slice(1).map((line) => line.trim())).toEqual([
      'uplink.port: expected an integer 1-65535, got "abc"',
      'metrics.enabled: expected true or false, got "yes"',
      'radios.gpio.sysfsPath: expected an absolute path, got "relative/path"',
    ]);
  });

  it('accepts a valid file and exits 0', async () => {
    const { file } = await writeConfig({ hubId: 'kitchen', uplink: { host: 'broker.example', port: 8883, protocol: 'mqtts' } });
    const { code, stdout } = await runHearth(['config', 'check', file]);
    expect(stdout).toBe(`${file}: valid\n`);
    expect(code).toBe(0);
  });
});

describe('hearth start with an invalid config', () => {
  it('lists every problem, exits 78 and touches no state', async () => {
    const { file, stateDir } = await writeConfig({ uplink: { port: 0 }, logging: { level: 'chatty' } });
    const { code, stderr, stdout } = await runHearth(['start', '--config', file], cleanEnv({ HEARTH_SHUTDOWN_TIMEOUT_MS: 'soon' }));
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}: invalid configuration`);
    expect(stderr).toContain('uplink.port: expected an integer 1-65535, got 0');
    expect(stderr).toContain('logging.level: expected one of fatal, error, warn, info, debug, trace, silent, got "chatty"');
    expect(stderr).toContain('shutdown.timeoutMs (from HEARTH_SHUTDOWN_TIMEOUT_MS): expected an integer 100-300000, got "soon"');
    expect(existsSync(stateDir)).toBe(false);
  });

  it('refuses a --config file that does not exist instead of falling back to the demo', async () => {
    const { code, stderr } = await runHearth(['start', '--config', '/nonexistent/hearth.yaml']);
    expect(code).toBe(78);
    expect(stderr).toContain('/nonexistent/hearth.yaml: cannot read the config file: no such file');
  });
});

describe('hearth --version and --help', () => {
  it('prints the package version', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const { code, stdout } = await runHearth(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('lists the commands', async () => {
    const { code, stdout } = await runHearth(['--help']);
    expect(code).toBe(0);
    for (const command of ['start', 'config', 'doctor']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('rejects an unknown command with a usage error', async () => {
    const { code, stderr } = await runHearth(['strat']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'strat'/);
  });
});
