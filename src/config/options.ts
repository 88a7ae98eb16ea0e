/**
 * The flat list of configuration options, derived from the schema's JSON Schema: one entry per
 * leaf with its path, environment variable, type, default, description and whether it is a
 * secret. Environment overrides, secret redaction and the generated documentation all read it,
 * so none of them can drift from the schema.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export interface ConfigOption {
  /** Path segments, e.g. ['uplink', 'port']. */
  path: string[];
  /** Dotted path, e.g. 'uplink.port'. */
  key: string;
  /** Environment variable that overrides it, e.g. HEARTH_UPLINK_PORT. */
  env: string;
  /** JSON Schema type: string, integer, number, boolean, object (a map), array. */
  type: string;
  description: string;
  /** The default as documentation shows it, or undefined when the option is unset by default. */
  defaultText: string | undefined;
  /** Whether defaultText is the default value as JSON (rather than words describing it). */
  defaultIsValue: boolean;
  enum: readonly unknown[] | undefined;
  minimum: number | undefined;
  maximum: number | undefined;
  secret: boolean;
}

/** Environment variables that are not options: they tell the CLI where the config is. */
export const CLI_ENV_VARS: readonly string[] = ['HEARTH_CONFIG'];

/** Prefixes of variables that are not options either: hearth's own test suite and benchmarks (`HEARTH_TEST_TSX`, `HEARTH_BENCH_CENSUS`), which hubs they start inherit. */
export const TOOL_ENV_PREFIXES: readonly string[] = ['HEARTH_TEST_', 'HEARTH_BENCH_'];

interface JsonSchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  defaultText?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  secret?: boolean;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
}

export function envNameOf(path: readonly string[]): string {
  return ['HEARTH', ...path.map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))].join('_').toUpperCase();
}

function collect(node: JsonSchemaNode, path: string[], out: ConfigOption[], sections: Map<string, string>): void {
  if (node.type === 'object' && node.properties !== undefined) {
    if (path.length > 0 && node.description !== undefined) sections.set(path.join('.'), node.description);
    for (const [name, child] of Object.entries(node.properties)) collect(child, [...path, name], out, sections);
    return;
  }
  out.push({
    path,
    key: path.join('.'),
    env: envNameOf(path),
    type: node.type ?? 'any',
    description: node.description ?? '',
    defaultText: node.defaultText ?? (node.default === undefined ? undefined : JSON.stringify(node.default)),
    defaultIsValue: node.defaultText === undefined,
    enum: node.enum,
    minimum: node.minimum,
    maximum: node.maximum,
    secret: node.secret === true,
  });
}

function build(): { options: ConfigOption[]; sections: Map<string, string> } {
  const jsonSchema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const options: ConfigOption[] = [];
  const sections = new Map<string, string>();
  collect(jsonSchema, [], options, sections);
  return { options, sections };
}

// built on first use, not at import: converting the schema to JSON Schema is tens of ms of every
// start (before the hub's first publish) that only a `HEARTH_…` variable, a problem or the docs need
let built:
  | { options: ConfigOption[]; sections: Map<string, string>; byKey: Map<string, ConfigOption>; byEnv: Map<string, ConfigOption> }
  | undefined;
function options(): NonNullable<typeof built> {
  if (built === undefined) {
    const { options, sections } = build();
    built = {
      options,
      sections,
      byKey: new Map(options.map((option) => [option.key, option])),
      byEnv: new Map(options.map((option) => [option.env, option])),
    };
  }
  return built;
}

/** Every option of the schema, in schema order. */
export function configOptions(): readonly ConfigOption[] {
  return options().options;
}

/** Descriptions of the option groups, by dotted path ('uplink', 'radios.zigbee', …). */
export function configSections(): ReadonlyMap<string, string> {
  return options().sections;
}

export function optionByEnv(name: string): ConfigOption | undefined {
  return options().byEnv.get(name);
}

/** The option at a path, or the option whose map contains the path (logging.modules.x). */
export function optionAt(path: readonly (string | number | symbol)[]): ConfigOption | undefined {
  const { byKey } = options();
  for (let length = path.length; length > 0; length--) {
    const option = byKey.get(path.slice(0, length).map(String).join('.'));
    if (option !== undefined) return option;
  }
  return undefined;
}

export function isSecretPath(path: readonly (string | number | symbol)[]): boolean {
  return optionAt(path)?.secret === true;
}

/** The parts of a zod schema's definition the walk below reads (zod 4's `_zod.def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

function collectSecrets(schema: z.ZodType, path: string[], out: string[][]): void {
  // through the wrappers of an option (default, optional, …) as JSON Schema's input side goes
  // through them; `secret()` (schema-helpers.ts) marks any of them
  let node: z.ZodType | undefined = schema;
  while (node !== undefined) {
    if (z.globalRegistry.get(node)?.secret === true) {
      out.push(path);
      return;
    }
    const def = defOf(node);
    if (def.type === 'object') {
      for (const [name, child] of Object.entries(def.shape ?? {})) collectSecrets(child, [...path, name], out);
      return;
    }
    node = def.type === 'pipe' ? (defOf(def.in as z.ZodType).type === 'transform' ? def.out : def.in) : def.innerType;
  }
}

let secrets: readonly (readonly string[])[] | undefined;
/**
 * The paths of the secret options (those `configOptions()` marks `secret`), read from the schema
 * itself: every start needs them (the log's redaction), and this spares it the JSON Schema.
 */
export function secretPaths(): readonly (readonly string[])[] {
  if (secrets === undefined) {
    const found: string[][] = [];
    collectSecrets(configSchema, [], found);
    secrets = found;
  }
  return secrets;
}
