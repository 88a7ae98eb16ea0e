/** `homeassistant.minVersion`: the oldest Home Assistant the discovery configs suit (lights' color_mode before 2024.4). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haVersionNumber } from '../../src/config/homeassistant-schema.js';
import { loadConfig } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { tempDir } from '../support/temp-dir.js';

async function load(text: string, env: NodeJS.ProcessEnv = {}) {
  const file = join(await tempDir(), 'hearth.yaml');
  await writeFile(file, text);
  return loadConfig({ file, env });
}

describe('homeassistant.minVersion', () => {
  it('defaults to 2024.4, takes 2024.1 from the file or the environment, and refuses what is older or no version', async () => {
    const byDefault = await load('');
    expect(byDefault.ok && byDefault.config.homeassistant.minVersion).toBe('2024.4');
    const fromEnv = await load('', { HEARTH_HOMEASSISTANT_MIN_VERSION: '2024.1' });
    expect(fromEnv.ok && fromEnv.config.homeassistant.minVersion).toBe('2024.1');
    for (const [value, message] of [
      ['"2023.12"', 'Home Assistant before 2024.1 is not supported'],
      ['"2024.13"', 'expected a Home Assistant version YYYY.M'],
      ['latest', 'expected a Home Assistant version YYYY.M'],
    ] as const) {
      const result = await load(`homeassistant:\n  minVersion: ${value}\n`);
      expect(result.ok, value).toBe(false);
      if (!result.ok) expect(result.problems.map(formatProblem).join('\n')).toContain(message);
    }
  });

  it('orders versions by year, then month', () => {
    expect(haVersionNumber('2024.1')).toBeLessThan(haVersionNumber('2024.4'));
    expect(haVersionNumber('2024.12')).toBeGreaterThan(haVersionNumber('2024.4'));
    expect(haVersionNumber('2025.1')).toBeGreaterThan(haVersionNumber('2024.12'));
  });
});
