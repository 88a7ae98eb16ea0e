/**
 * Which configuration a command runs with: --config, else $HEARTH_CONFIG, else hearth.yaml in
 * systemd's $CONFIGURATION_DIRECTORY or /etc/hearth; with none of them, the demo profile.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { demoProfile } from '../config/demo-profile.js';
import type { LoadOptions } from '../config/load.js';

export interface ConfigSource extends LoadOptions {
  /** A short description for logs: the file, or "demo profile". */
  label: string;
  demo: boolean;
}

export function resolveConfigSource(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigSource {
  const named = explicit ?? env.HEARTH_CONFIG;
  if (named !== undefined && named !== '') return { file: named, label: named, demo: false, env };
  const candidates = [env.CONFIGURATION_DIRECTORY?.split(':')[0], '/etc/hearth'].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
  for (const dir of candidates) {
    const file = join(dir, 'hearth.yaml');
    if (existsSync(file)) return { file, label: file, demo: false, env };
  }
  return { profile: demoProfile(env), label: 'demo profile (no config file found)', demo: true, env };
}
