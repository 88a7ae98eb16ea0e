/** Writes a hearth config for a test: a YAML file in a fresh temp dir, state kept beside it. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './temp-dir.js';

export async function writeConfig(config: Record<string, unknown>): Promise<{ file: string; dir: string; stateDir: string }> {
  const dir = await tempDir();
  const stateDir = join(dir, 'state');
  const file = join(dir, 'hearth.yaml');
  await writeFile(file, stringify({ stateDir, logging: { format: 'json' }, ...config }));
  return { file, dir, stateDir };
}
