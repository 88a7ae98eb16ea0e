/** The running hearth's version, read once from the installation's package.json. */
import { readFileSync } from 'node:fs';
import { inPackage } from './package-root.js';

const packageJson = JSON.parse(readFileSync(inPackage('package.json'), 'utf8')) as {
  version: string;
};

export const version: string = packageJson.version;
