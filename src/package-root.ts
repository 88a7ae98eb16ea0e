/**
 * Where this installation's files are: the folder of the nearest package.json above this
 * module. That is the repository (from src/ under tsx, from dist/ once built), an installed
 * hub's /opt/hearth, or a test run's build — whether the code runs one file per module or
 * bundled into a few chunks (scripts/hub-bundle.ts), whose paths relative to a module differ.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function nearestPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no package.json above ${start}: hearth's files (package.json, hardware/, dist/web/) are missing`);
  }
}

export const packageRoot: string = nearestPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the installation, e.g. `inPackage('hardware', 'memory.tsv')`. */
export const inPackage = (...parts: string[]): string => join(packageRoot, ...parts);
