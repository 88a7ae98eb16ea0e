/**
 * The fleet broker of the README (docs/fleet): its ACL, and the mosquitto.conf settings that do
 * not name files (the test broker has its own password and ACL files and listener).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './hearth-process.js';

export async function fleetBroker(): Promise<{ acl: string; extraConfig: string[] }> {
  const acl = await readFile(join(repoRoot, 'docs/fleet/mosquitto.acl'), 'utf8');
  const conf = await readFile(join(repoRoot, 'docs/fleet/mosquitto.conf'), 'utf8');
  const extraConfig = conf
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !/^(password_file|acl_file|allow_anonymous|listener)\b/.test(line));
  return { acl, extraConfig };
}
