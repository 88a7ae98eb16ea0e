/**
 * Loads the configuration: defaults < profile (the demo) < YAML file < HEARTH_… variables,
 * then validates the whole against the schema. It collects every problem before it gives up,
 * reads nothing but the file and the environment, and writes nothing.
 */
import { readFile } from 'node:fs/promises';
import { isMap, parseDocument } from 'yaml';
import { readEnvOverrides, setAtPath } from './env.js';
import { formatProblem, problemsFromIssues, type ConfigProblem } from './problems.js';
import { configSchema, type HearthConfig } from './schema.js';
import { ErrorCode, HearthError } from '../errors.js';

export interface LoadOptions {
  /** YAML file to read; when undefined only the profile, defaults and environment count. */
  file?: string | undefined;
  /** A built-in profile laid under the file (the demo). */
  profile?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

export type LoadResult = { ok: true; config: HearthConfig } | { ok: false; problems: ConfigProblem[] };

export class ConfigError extends HearthError {
  readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(ErrorCode.ConfigInvalid, `${source}: ${count}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.problems = problems;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of plain mappings; `over` wins, lists and scalars are replaced whole. */
export function mergeConfig(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? mergeConfig(existing, value) : value;
  }
  return out;
}

async function readYamlFile(file: string): Promise<{ data: Record<string, unknown>; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { data: {}, problems: [{ where: file, message: `cannot read the config file: ${reason}` }] };
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const where = position === undefined ? file : `${file}:${position.line}:${position.col}`;
      const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return { where, message: `not valid YAML: ${reason}` };
    });
    return { data: {}, problems };
  }
  if (document.contents === null) return { data: {}, problems: [] };
  if (!isMap(document.contents)) {
    return { data: {}, problems: [{ where: file, message: 'expected a mapping of options at the top level' }] };
  }
  return { data: document.toJS() as Record<string, unknown>, problems: [] };
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadResult> {
  const problems: ConfigProblem[] = [];
  let data: Record<string, unknown> = structuredClone(options.profile ?? {});
  if (options.file !== undefined) {
    const fromFile = await readYamlFile(options.file);
    problems.push(...fromFile.problems);
    data = mergeConfig(data, fromFile.data);
  }
  const fromEnv = readEnvOverrides(options.env ?? process.env);
  problems.push(...fromEnv.problems);
  const origins = new Map<string, string>();
  for (const override of fromEnv.overrides) {
    setAtPath(data, override.path, override.value);
    origins.set(override.path.join('.'), override.variable);
  }
  const result = configSchema.safeParse(data, { reportInput: true });
  if (!result.success) problems.push(...problemsFromIssues(result.error.issues, origins));
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, config: result.data };
}

/** loadConfig, throwing a ConfigError that lists every problem. */
export async function loadConfigOrThrow(options: LoadOptions = {}): Promise<HearthConfig> {
  const result = await loadConfig(options);
  if (!result.ok) throw new ConfigError(options.file ?? 'configuration', result.problems);
  return result.config;
}
