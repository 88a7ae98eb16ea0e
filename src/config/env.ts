/**
 * `HEARTH_…` environment variables: each overrides one option, named after its path
 * (uplink.port → HEARTH_UPLINK_PORT). String options take the value as it is; every other type
 * is read as a YAML scalar or flow collection (`1884`, `true`, `{radios.zigbee: debug}`).
 * A variable that names no option is a problem, not silently ignored: it is usually a typo
 * (`HEARTH_CONFIG` and the test suite's and benches' `HEARTH_TEST_…`/`HEARTH_BENCH_…` are not options).
 */
import { parse as parseYaml } from 'yaml';
import { CLI_ENV_VARS, optionByEnv, TOOL_ENV_PREFIXES } from './options.js';
import type { ConfigProblem } from './problems.js';

export interface EnvOverride {
  path: string[];
  variable: string;
  value: unknown;
}

export function readEnvOverrides(env: NodeJS.ProcessEnv): { overrides: EnvOverride[]; problems: ConfigProblem[] } {
  const overrides: EnvOverride[] = [];
  const problems: ConfigProblem[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith('HEARTH_') || raw === undefined || CLI_ENV_VARS.includes(variable)) continue;
    if (TOOL_ENV_PREFIXES.some((prefix) => variable.startsWith(prefix))) continue;
    const option = optionByEnv(variable);
    if (option === undefined) {
      problems.push({ where: variable, message: 'names no hearth option (see `hearth config schema` for the list)' });
      continue;
    }
    if (option.type === 'string') {
      overrides.push({ path: option.path, variable, value: raw });
      continue;
    }
    try {
      overrides.push({ path: option.path, variable, value: parseYaml(raw) as unknown });
    } catch (error) {
      problems.push({
        where: variable,
        message: `cannot be read as a value for ${option.key}: ${(error as Error).message.split('\n')[0]}`,
      });
    }
  }
  return { overrides, problems };
}

/** Writes `value` at `path` into a plain object tree, creating mappings on the way. */
export function setAtPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}
