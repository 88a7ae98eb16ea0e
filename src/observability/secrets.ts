/**
 * Secret scrubbing. The config schema marks secrets (broker password, network keys); this
 * module collects their values from a loaded config, in every spelling a library might log
 * them (hex either case, with or without 0x, as a byte list), and removes them from text.
 */
import { configOptions } from '../config/options.js';
import type { HearthConfig } from '../config/schema.js';

export const REDACTED = '[redacted]';

function valueAt(config: unknown, path: readonly string[]): unknown {
  let node = config;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function spellings(secret: string): string[] {
  const out = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  const hex = secret.replace(/^0x/i, '');
  if (/^[0-9a-f]+$/i.test(hex) && hex.length % 2 === 0 && hex.length >= 16) {
    out.add(hex.toLowerCase());
    out.add(hex.toUpperCase());
    const bytes = hex.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? [];
    out.add(bytes.join(','));
    out.add(bytes.join(', '));
  }
  return [...out].filter((spelling) => spelling.length >= 4);
}

/** Every secret value in the config, in every spelling, longest first. */
export function secretsOf(config: HearthConfig): string[] {
  const found = new Set<string>();
  for (const option of configOptions) {
    if (!option.secret) continue;
    const value = valueAt(config, option.path);
    if (typeof value === 'string' && value.length > 0) for (const spelling of spellings(value)) found.add(spelling);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** A function that replaces every occurrence of the secrets in a text. */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text;
  const pattern = new RegExp(secrets.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  return (text) => text.replace(pattern, REDACTED);
}
