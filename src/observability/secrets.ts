/**
 * Secret scrubbing. The config schema marks secrets (broker password, network keys); this
 * module collects their values from a loaded config, in every spelling a library might log
 * them (hex either case, with or without 0x, as a byte list), and removes them from text.
 * Secrets made at run time (a network key generated into `zigbee/network.json`, the keys the
 * Z-Wave driver is given) are learnt by the scrubber when they appear.
 */
import { secretPaths } from '../config/options.js';
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
  for (const path of secretPaths()) {
    const value = valueAt(config, path);
    if (typeof value === 'string' && value.length > 0) for (const spelling of spellings(value)) found.add(spelling);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** Every spelling of secrets found at run time (hex strings, or key bytes). */
export function spellingsOf(secrets: readonly (string | Uint8Array)[]): string[] {
  return secrets.flatMap((secret) => spellings(typeof secret === 'string' ? secret : Buffer.from(secret).toString('hex')));
}

/** Replaces every occurrence of the secrets in a text; learns more secrets as they are made. */
export class SecretScrubber {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: readonly string[] = []) {
    this.add(secrets);
  }

  /** Secrets (already spelt out, e.g. by spellingsOf) to remove from every text from now on. */
  add(secrets: readonly string[]): void {
    const before = this.secrets.size;
    for (const secret of secrets) if (secret.length >= 4) this.secrets.add(secret);
    if (this.secrets.size === before) return;
    const longestFirst = [...this.secrets].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(longestFirst.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  }

  readonly scrub = (text: string): string => (this.pattern === undefined ? text : text.replace(this.pattern, REDACTED));
}
