/**
 * The V8 flags (and glibc malloc settings, below) a bench runs the hub with: those of systemd/hearth.service's ExecStart (what a
 * hub runs), unless NODE_FLAGS says others (`none`: no flags). The unit's Node is the release's
 * (Node 24); on a Node whose V8 names a setting differently the bench says it that Node's way
 * (`--memory-reducer-gc-count=1` is Node 20's `--memory-reducer-single-gc`), as scripts/start does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const readUnit = () => readFileSync(new URL('../../systemd/hearth.service', import.meta.url), 'utf8');

/** The V8 flags of the unit's ExecStart: what comes between node and the script. */
export function unitFlags(): string {
  const unit = readUnit();
  const exec = /^ExecStart=\S+\s+(.*?)\s+\S+\/main\.js/m.exec(unit);
  if (exec === null) throw new Error('systemd/hearth.service: no ExecStart running main.js');
  return exec[1] as string;
}

/** glibc's malloc settings of the unit (its `Environment=MALLOC_…` lines), as name → value. */
export function unitMallocEnvironment(): Record<string, string> {
  const unit = readUnit();
  return Object.fromEntries([...unit.matchAll(/^Environment=(MALLOC_\w+)=(\S+)$/gm)].map((line) => [line[1] as string, line[2] as string]));
}

/** `flags` as this process's Node takes them. */
export function forThisNode(flags: string[]): string[] {
  if (!flags.includes('--memory-reducer-gc-count=1')) return flags;
  const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  if (known.includes('--memory-reducer-gc-count')) return flags;
  return flags.map((flag) => (flag === '--memory-reducer-gc-count=1' ? '--memory-reducer-single-gc' : flag));
}

/** NODE_FLAGS, else the unit's. */
export function benchNodeFlags(): string[] {
  const text = process.env.NODE_FLAGS ?? unitFlags();
  return text === 'none' ? [] : forThisNode(text.split(' ').filter((flag) => flag.length > 0));
}

/**
 * glibc's malloc settings a bench's hub (and library floor) runs with: the unit's, unless
 * HEARTH_BENCH_UNIT_MALLOC=0; over them those of this environment (MALLOC_ARENA_MAX=2,
 * GLIBC_TUNABLES=…), to compare them.
 */
export function benchMallocEnvironment(): Record<string, string> {
  return {
    ...(process.env.HEARTH_BENCH_UNIT_MALLOC === '0' ? {} : unitMallocEnvironment()),
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => (entry[0].startsWith('MALLOC_') || entry[0] === 'GLIBC_TUNABLES') && entry[1] !== undefined,
      ),
    ),
  };
}
