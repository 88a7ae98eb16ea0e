/**
 * The memory budget of the board hearth runs on (hardware/memory.tsv, the table the installer
 * writes into the unit's MemoryHigh=/MemoryMax= drop-in): which board this is, from the device
 * tree's model string, and its budget.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { inPackage } from '../package-root.js';

export interface MemoryBudget {
  /** The table's model prefix that matched ("*" for any other machine). */
  model: string;
  highBytes: number;
  maxBytes: number;
}

export const memoryTableFile = inPackage('hardware', 'memory.tsv');

/** systemd's size syntax as the table uses it: bytes with an optional K, M or G suffix (base 1024). */
export function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/.exec(text.trim());
  if (match === null) throw new Error(`not a size: ${JSON.stringify(text)} (expected e.g. 256M)`);
  const power = { '': 0, K: 1, M: 2, G: 3 }[match[2] as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * 1024 ** power;
}

export function loadMemoryTable(file = memoryTableFile): MemoryBudget[] {
  const rows: MemoryBudget[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const [model, high, max] = line.split('\t');
      if (model === undefined || high === undefined || max === undefined)
        throw new Error(`${file}:${index + 1}: expected model, memory_high and memory_max separated by tabs`);
      rows.push({ model, highBytes: parseSize(high), maxBytes: parseSize(max) });
    });
  return rows;
}

/** The budget for a board's model string: the first row whose model starts it, else "*". */
export function budgetFor(model: string | undefined, table: readonly MemoryBudget[]): MemoryBudget | undefined {
  return (
    table.find((row) => row.model !== '*' && model !== undefined && model.startsWith(row.model)) ?? table.find((row) => row.model === '*')
  );
}

/** The device tree's model ("Raspberry Pi 4 Model B Rev 1.5"), undefined off a device-tree board. */
export async function boardModel(root = '/'): Promise<string | undefined> {
  for (const path of ['proc/device-tree/model', 'sys/firmware/devicetree/base/model']) {
    try {
      return (await readFile(`${root}${path}`, 'utf8')).replace(/\0+$/, '').trim();
    } catch {
      // not this one
    }
  }
  return undefined;
}
