/** Names in the config follow the one name rule: a hostile GPIO device name is CONFIG_INVALID, naming where and what. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigOrThrow } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { HOSTILE_NAMES, hasRawControl } from '../support/hostile-names.js';
import { tempDir } from '../support/temp-dir.js';

const withNames = (...names: string[]) => ({
  radios: {
    gpio: { enabled: true, simulate: true, board: 'pi-4b', devices: names.map((name, i) => ({ type: 'relay', pin: 17 + i, name })) },
  },
});

describe('names in the config', () => {
  it('refuses each hostile GPIO device name with CONFIG_INVALID at its path', async () => {
    for (const [name, why] of HOSTILE_NAMES) {
      const result = await loadConfig({ env: {}, profile: withNames(name) });
      expect(result.ok, `${JSON.stringify(name)} (${why})`).toBe(false);
      if (result.ok) continue;
      const problems = result.problems.map(formatProblem);
      expect(
        problems.some((p) => p.includes('radios.gpio.devices.0.name') && p.includes('friendly name')),
        `${JSON.stringify(name)}: ${problems.join('; ')}`,
      ).toBe(true);
      expect(hasRawControl(problems.join('\n'))).toBe(false);
    }
    await expect(loadConfigOrThrow({ env: {}, profile: withNames('evil\u0001name') })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('refuses two devices with one name (case-insensitively), and takes good names', async () => {
    const result = await loadConfig({ env: {}, profile: withNames('Hall/Relay', 'hall/relay') });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map(formatProblem).join('\n')).toContain('also the name of devices.0');
    const config = await loadConfigOrThrow({ env: {}, profile: withNames('hall/relay', 'Küche Licht') });
    expect(config.radios.gpio.devices.map((d) => d.name)).toEqual(['hall/relay', 'Küche Licht']);
  });

  it('refuses a base topic or discovery prefix MQTT cannot carry (the hub could not even connect: its last will is under it)', async () => {
    for (const profile of [{ uplink: { baseTopic: 'hearth/\u0085/{hubId}' } }, { homeassistant: { prefix: 'home\ufdd0assistant' } }]) {
      const result = await loadConfig({ env: {}, profile });
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.problems.map(formatProblem).join('\n')).toMatch(/U\+(0085|FDD0) \(.*\) at character \d+ is not allowed/);
    }
  });

  it('refuses one written with an escape in a YAML file', async () => {
    const file = join(await tempDir(), 'hearth.yaml');
    await writeFile(
      file,
      'radios:\n  gpio:\n    enabled: true\n    simulate: true\n    board: pi-4b\n    devices:\n      - { type: relay, pin: 17, name: "nel\\u0085name" }\n',
    );
    const result = await loadConfig({ file, env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map(formatProblem).join('\n')).toContain('U+0085 (a control character) at character 4');
  });
});
