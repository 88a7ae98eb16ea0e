/**
 * The V8 flags a bench runs the hub with: those of systemd/hearth.service's ExecStart (what a
 * hub runs), unless NODE_FLAGS says others (`none`: no flags).
 */
import { readFileSync } from 'node:fs';

/** The V8 flags of the unit's ExecStart: what comes between node and the script. */
export function unitFlags(): string {
  const unit = readFileSync(new URL('../../systemd/hearth.service', import.meta.url), 'utf8');
  const exec = /^ExecStart=\S+\s+(.*?)\s+\S+\/main\.js/m.exec(unit);
  if (exec === null) throw new Error('systemd/hearth.service: no ExecStart running main.js');
  return exec[1] as string;
}

/** NODE_FLAGS, else the unit's. */
export function benchNodeFlags(): string[] {
  const text = process.env.NODE_FLAGS ?? unitFlags();
  return text === 'none' ? [] : text.split(' ').filter((flag) => flag.length > 0);
}
