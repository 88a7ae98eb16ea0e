/**
 * The hub's rules as a user manages them: those of the config file (read-only over MQTT, but
 * they can be enabled and disabled) and those added over MQTT (kept in the store's settings),
 * with every change checked by the same schema and against the devices before it is taken.
 * It keeps the definitions only; the engine (rule-engine.ts) runs them.
 */
import { ruleDefinition, type RuleDefinition } from '../config/rules-schema.js';
import { ErrorCode, HearthError } from '../errors.js';
import { listedProblems } from '../bounded-text.js';
import { checkRule, type RuleLookup } from './rule-check.js';

export type RuleSource = 'config' | 'mqtt';

export interface BookEntry {
  rule: RuleDefinition;
  source: RuleSource;
  /** Where its problems are said: `rules.<index>` for the config's, `rule <id>` for the others. */
  path: string;
}

/** What the book keeps in the store: the MQTT rules, and which config rules were switched on or off there. */
export interface StoredRules {
  defined: unknown[];
  enabled: Record<string, boolean>;
}

export interface RuleBookStore {
  load(): StoredRules;
  save(rules: StoredRules): void;
}

function invalid(problems: readonly string[]): HearthError {
  return new HearthError(ErrorCode.RuleInvalid, listedProblems([...problems]));
}

export class RuleBook {
  private readonly entries = new Map<string, BookEntry>();
  private readonly overrides: Record<string, boolean>;
  /** Stored rules that no longer pass the schema (a downgrade); said once at load. */
  readonly unreadable: string[] = [];

  constructor(
    configRules: readonly RuleDefinition[],
    private readonly store: RuleBookStore,
    private readonly lookup: RuleLookup,
  ) {
    configRules.forEach((rule, index) => this.entries.set(rule.id, { rule, source: 'config', path: `rules.${index}` }));
    const stored = store.load();
    this.overrides = { ...stored.enabled };
    stored.defined.forEach((raw, index) => {
      const parsed = ruleDefinition.safeParse(raw);
      if (!parsed.success) {
        this.unreadable.push(`stored rule ${index}: ${parsed.error.issues[0]?.message ?? 'unreadable'}`);
        return;
      }
      if (this.entries.has(parsed.data.id)) {
        this.unreadable.push(`stored rule ${parsed.data.id}: the config has a rule of that id, which wins`);
        return;
      }
      this.entries.set(parsed.data.id, { rule: parsed.data, source: 'mqtt', path: `rule ${parsed.data.id}` });
    });
  }

  list(): BookEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): BookEntry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new HearthError(ErrorCode.RuleNotFound, `no rule with id ${JSON.stringify(id.slice(0, 80))}`);
    return entry;
  }

  /** Whether the rule runs: its own flag, or what rule/enable|disable said of a config rule since. */
  enabled(id: string): boolean {
    const entry = this.get(id);
    return entry.source === 'config' && Object.hasOwn(this.overrides, id) ? this.overrides[id] === true : entry.rule.enabled;
  }

  add(input: unknown): RuleDefinition {
    const rule = this.parsed(input);
    if (this.entries.has(rule.id)) throw new HearthError(ErrorCode.RuleExists, `a rule with id ${rule.id} exists: rule/update changes it`);
    this.checked(rule, `rule ${rule.id}`);
    this.entries.set(rule.id, { rule, source: 'mqtt', path: `rule ${rule.id}` });
    this.save();
    return rule;
  }

  update(input: unknown): RuleDefinition {
    const rule = this.parsed(input);
    const entry = this.get(rule.id);
    if (entry.source === 'config') throw this.readOnly(rule.id, entry.path);
    this.checked(rule, entry.path);
    this.entries.set(rule.id, { ...entry, rule });
    this.save();
    return rule;
  }

  remove(id: string): RuleDefinition {
    const entry = this.get(id);
    if (entry.source === 'config') throw this.readOnly(id, entry.path);
    this.entries.delete(id);
    this.save();
    return entry.rule;
  }

  setEnabled(id: string, enabled: boolean): void {
    const entry = this.get(id);
    if (entry.source === 'config') this.overrides[id] = enabled;
    else this.entries.set(id, { ...entry, rule: { ...entry.rule, enabled } });
    this.save();
  }

  private parsed(input: unknown): RuleDefinition {
    const parsed = ruleDefinition.safeParse(input);
    if (parsed.success) return parsed.data;
    throw invalid(parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(rule)'}: ${issue.message}`));
  }

  private checked(rule: RuleDefinition, path: string): void {
    const { problems } = checkRule(rule, path, this.lookup);
    if (problems.length > 0) throw invalid(problems);
  }

  private readOnly(id: string, path: string): HearthError {
    return new HearthError(ErrorCode.RuleReadOnly, `rule ${id} comes from the config file (${path}): change it there`);
  }

  private save(): void {
    const defined = this.list()
      .filter((entry) => entry.source === 'mqtt')
      .map((entry) => entry.rule);
    const configIds = new Set(this.list().flatMap((entry) => (entry.source === 'config' ? [entry.rule.id] : [])));
    const enabled = Object.fromEntries(Object.entries(this.overrides).filter(([id]) => configIds.has(id)));
    this.store.save({ defined, enabled });
  }
}
