/**
 * Doctor: memory headroom against the board's budget (hardware/memory.tsv, the MemoryHigh= and
 * MemoryMax= the installer gave the unit): what the service uses of its limit, and whether the
 * board has that much to give.
 */
import { readFile } from 'node:fs/promises';
import { boardModel, budgetFor, loadMemoryTable } from '../../hardware/board-memory.js';
import { mb, type CheckResult } from './check.js';
import type { ServiceState } from './service.js';

/** Share of the limit above which the hub is close to being killed by it. */
export const NEAR_LIMIT = 0.9;

export async function memAvailable(meminfo = '/proc/meminfo'): Promise<number | undefined> {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(await readFile(meminfo, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export interface MemoryFacts {
  model: string | undefined;
  available: number | undefined;
  service: ServiceState | undefined;
}

export function checkMemory(facts: MemoryFacts): CheckResult {
  const budget = budgetFor(facts.model, loadMemoryTable());
  if (budget === undefined)
    return { check: 'memory', ok: false, detail: 'hardware/memory.tsv has no row for this board and no "*" row', fix: 'reinstall hearth' };
  const board = facts.model === undefined ? 'this machine (no device-tree model)' : facts.model;
  const limit = facts.service?.memoryMax ?? budget.maxBytes;
  const limitText = `${mb(limit)}${facts.service?.memoryMax === undefined ? ' (the budget in hardware/memory.tsv)' : ' (MemoryMax)'}`;
  const used = facts.service?.active === true ? facts.service.memoryCurrent : undefined;
  const parts = [`${board}: budget ${mb(budget.maxBytes)} (row "${budget.model}")`];
  if (used !== undefined) parts.push(`hearth uses ${mb(used)} of ${limitText}`);
  if (facts.available !== undefined) parts.push(`${mb(facts.available)} available on the board`);
  const detail = parts.join('; ');
  if (used !== undefined && used > NEAR_LIMIT * limit) {
    return {
      check: 'memory',
      ok: false,
      detail,
      fix: 'hearth is close to its limit and will be killed and restarted past it: lower actors.maxActive or uplink.outboxMaxBytes, or raise MemoryMax in /etc/systemd/system/hearth.service.d/memory.conf',
    };
  }
  const room = limit - (used ?? 0);
  if (facts.available !== undefined && facts.available < room) {
    return {
      check: 'memory',
      ok: false,
      detail,
      fix: `the board has less free memory than hearth may still take (${mb(room)}): stop other services, or lower MemoryMax so the kernel does not run out first`,
    };
  }
  return { check: 'memory', ok: true, detail };
}

export async function memoryFacts(service: ServiceState | undefined): Promise<MemoryFacts> {
  return { model: await boardModel(), available: await memAvailable(), service };
}
