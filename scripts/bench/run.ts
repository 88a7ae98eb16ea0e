/**
 * `npm run bench -- <name> [args…]`: runs scripts/bench/<name>.ts, which prints one JSON object
 * as its last line. Without a name, lists the benchmarks.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  process.stderr.write(
    `${name === undefined ? 'name a benchmark' : `no benchmark "${name}"`}: npm run bench -- <${available.join('|')}>\n`,
  );
  process.exit(2);
}
const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', `${here}${name}.ts`, ...args], { stdio: 'inherit' });
child.on('close', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
