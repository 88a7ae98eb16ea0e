/**
 * How a test starts one of the repository's TypeScript files (src/main.ts, a fixture) as a
 * child process: from this run's build of src/ and test/ (test/support/global-setup.ts) with
 * plain node, which starts much faster than tsx compiling and hooking every module at each
 * spawn; src/main.ts (the hub) from the build's bundle, as the release runs it; through tsx when
 * there is no build (outside vitest) or HEARTH_TEST_TSX=1.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function buildDir(): string | undefined {
  // HEARTH_TEST_TSX=1: through tsx all the same (to compare, or to debug with tsx's source maps)
  if (process.env.HEARTH_TEST_TSX === '1') return undefined;
  try {
    return inject('hearthBuild');
  } catch {
    return undefined;
  }
}

/** The node arguments that run `script` (an absolute path to a .ts file of the repository). */
export function nodeArgs(script: string): string[] {
  const build = buildDir();
  const inRepo = relative(repoRoot, script);
  if (build === undefined || !script.endsWith('.ts') || inRepo.startsWith('..')) return ['--import', 'tsx', script];
  // the hub runs bundled, as it ships (the build's dist/, test/support/global-setup.ts)
  if (inRepo === 'src/main.ts') return [`${build}/dist/main.js`];
  return [`${build}/${inRepo.slice(0, -'.ts'.length)}.js`];
}

/** The path to run instead of `script`: its build, or itself (to be run through tsx) without one. */
export function builtScript(script: string): string {
  return nodeArgs(script).at(-1) as string;
}
