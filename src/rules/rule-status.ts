/**
 * A rule while it runs (its trigger's arming, recent firings, last error) and how `bridge/rules`
 * shows it: the definition as given, where it comes from, whether it runs, and why not.
 */
import type { RuleDefinition } from '../config/rules-schema.js';
import type { BookEntry, RuleSource } from './rule-book.js';
import type { CheckedRule } from './rule-check.js';
import type { TriggerArm } from './rule-evaluation.js';

export interface RuleRuntime {
  entry: BookEntry;
  enabled: boolean;
  checked: CheckedRule;
  arm?: TriggerArm;
  suspended: boolean;
  /** Firing times within the last second (the loop guard). */
  recent: number[];
  firings: number;
  lastFiredAt?: number;
  lastError?: { code: string; message: string; at: number };
  timer?: NodeJS.Timeout;
}

export type RuleState = 'active' | 'disabled' | 'suspended' | 'invalid';

export interface RuleStatus extends RuleDefinition {
  source: RuleSource;
  state: RuleState;
  firings: number;
  last_fired?: string;
  last_error?: { code: string; message: string; at: string };
  problems?: string[];
}

export function ruleStatus(runtime: RuleRuntime): RuleStatus {
  const state: RuleState =
    runtime.checked.problems.length > 0 ? 'invalid' : runtime.suspended ? 'suspended' : runtime.enabled ? 'active' : 'disabled';
  const status: RuleStatus = {
    ...runtime.entry.rule,
    enabled: runtime.enabled,
    source: runtime.entry.source,
    state,
    firings: runtime.firings,
  };
  if (runtime.lastFiredAt !== undefined) status.last_fired = new Date(runtime.lastFiredAt).toISOString();
  if (runtime.lastError !== undefined) status.last_error = { ...runtime.lastError, at: new Date(runtime.lastError.at).toISOString() };
  if (runtime.checked.problems.length > 0) status.problems = runtime.checked.problems;
  return status;
}
