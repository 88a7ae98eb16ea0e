/**
 * Turns schema violations into lines a person can act on:
 * `uplink.port: expected an integer 1-65535, got "abc"` — the path, what was expected, what
 * was given (never a secret's value), and where it came from when that was not the file.
 */
import { quoted } from '../model/mqtt-text.js';
import type { z } from 'zod';
import { configOptions, isSecretPath } from './options.js';

export interface ConfigProblem {
  /** Dotted path of the option, or the file or variable the problem is in. */
  where: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.where}: ${problem.message}`;
}

/** How a given value is shown in an error: short, quoted when a string, never a secret. */
export function describeValue(value: unknown, secret = false): string {
  if (secret) return '<redacted>';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // quoted: control characters and non-characters escaped, as in every error naming a user's text
  const text =
    typeof value === 'string'
      ? quoted(value)
      : typeof value === 'function' || typeof value === 'symbol'
        ? typeof value
        : `${value as number | boolean | bigint}`;
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const ARTICLE_TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The known option names beside `path` closest to `key`, for a "did you mean" hint. */
function suggestionFor(parent: readonly PropertyKey[], key: string): string | undefined {
  const prefix = parent.map(String).join('.');
  const siblings = new Set<string>();
  for (const option of configOptions()) {
    const optionParent = option.path.slice(0, parent.length).join('.');
    if (option.path.length > parent.length && optionParent === prefix) siblings.add(option.path[parent.length] ?? '');
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const sibling of siblings) {
    const distance = editDistance(key.toLowerCase(), sibling.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [sibling, distance];
  }
  return best;
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.startsWith('expected ') ? issue.message : `expected ${ARTICLE_TYPES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.message.startsWith('expected ')
        ? issue.message
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
      // zod's own wording ("Too small: expected number to be >=1") without its prefix
      return issue.message.replace(/^(Too small|Too big|Invalid [\w ]+): /, '');
    default:
      return issue.message;
  }
}

/**
 * One problem per zod issue. `origins` maps a dotted path to where its value came from when
 * that was not the config file (an environment variable), so the message can say so.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], origins: ReadonlyMap<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key].map(String).join('.');
        const hint = suggestionFor(issue.path, key);
        problems.push({ where: path, message: hint === undefined ? 'unknown option' : `unknown option (did you mean "${hint}"?)` });
      }
      continue;
    }
    const key = issue.path.map(String).join('.');
    const origin = origins.get(key);
    const where = `${key === '' ? '(top level)' : key}${origin === undefined ? '' : ` (from ${origin})`}`;
    const input = (issue as { input?: unknown }).input;
    problems.push({ where, message: `${expectation(issue)}, got ${describeValue(input, isSecretPath(issue.path))}` });
  }
  return problems;
}
