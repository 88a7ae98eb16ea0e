/**
 * Doctor: the systemd service — installed or not, its state, restarts, the status line hearth
 * sends, and its memory use and limit (for the memory check). Asks `systemctl show`
 * ($SYSTEMCTL names another command, as for scripts/install.sh).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CheckResult } from './check.js';

const run = promisify(execFile);

export interface ServiceState {
  installed: boolean;
  active: boolean;
  activeState?: string;
  subState?: string;
  restarts?: number;
  statusText?: string;
  since?: string;
  memoryCurrent?: number;
  memoryMax?: number;
}

const PROPERTIES = [
  'LoadState',
  'ActiveState',
  'SubState',
  'NRestarts',
  'StatusText',
  'ActiveEnterTimestamp',
  'MemoryCurrent',
  'MemoryMax',
];

function bytes(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) && value !== '18446744073709551615' ? Number(value) : undefined;
}

export function parseShow(output: string): ServiceState {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const installed = values.get('LoadState') === 'loaded';
  const state: ServiceState = { installed, active: values.get('ActiveState') === 'active' };
  const text = (key: string): string | undefined => (values.get(key) ?? '') || undefined;
  if (text('ActiveState') !== undefined) state.activeState = text('ActiveState');
  if (text('SubState') !== undefined) state.subState = text('SubState');
  if (text('StatusText') !== undefined) state.statusText = text('StatusText');
  if (text('ActiveEnterTimestamp') !== undefined) state.since = text('ActiveEnterTimestamp');
  const restarts = Number(values.get('NRestarts'));
  if (Number.isInteger(restarts)) state.restarts = restarts;
  const current = bytes(values.get('MemoryCurrent'));
  if (current !== undefined) state.memoryCurrent = current;
  const max = bytes(values.get('MemoryMax'));
  if (max !== undefined) state.memoryMax = max;
  return state;
}

/** The service's state, or undefined on a machine without systemctl. */
export async function serviceState(env: NodeJS.ProcessEnv = process.env): Promise<ServiceState | undefined> {
  const command = env.SYSTEMCTL ?? 'systemctl';
  try {
    const { stdout } = await run(command, ['show', 'hearth.service', `--property=${PROPERTIES.join(',')}`], { timeout: 5000 });
    return parseShow(stdout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // systemctl without a running systemd (a container): as good as not installed
    return { installed: false, active: false };
  }
}

export function checkService(state: ServiceState | undefined): CheckResult {
  if (state === undefined)
    return { check: 'service', ok: true, detail: 'systemctl not found: not a systemd machine, hearth runs by hand here' };
  if (!state.installed)
    return {
      check: 'service',
      ok: true,
      detail: 'hearth.service is not installed (hearth runs by hand here); scripts/install.sh installs it',
    };
  const restarts =
    state.restarts === undefined || state.restarts === 0
      ? ''
      : `, restarted ${state.restarts} time${state.restarts === 1 ? '' : 's'} by systemd`;
  const status = state.statusText === undefined ? '' : `; status: ${state.statusText}`;
  if (state.active) {
    return {
      check: 'service',
      ok: true,
      detail: `hearth.service is ${state.activeState ?? 'active'} (${state.subState ?? '?'})${state.since === undefined ? '' : ` since ${state.since}`}${restarts}${status}`,
    };
  }
  return {
    check: 'service',
    ok: false,
    detail: `hearth.service is ${state.activeState ?? 'not active'} (${state.subState ?? '?'})${restarts}${status}`,
    fix: 'see why: journalctl -u hearth -n 50 --no-pager; then systemctl restart hearth (after five failed starts in ten minutes: systemctl reset-failed hearth first)',
  };
}
