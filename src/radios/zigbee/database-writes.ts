/**
 * herdsman's `database.db` written for flash. herdsman rewrites the whole file (every device,
 * its endpoints, cached attributes and last seen) on each device change and every 5 minutes;
 * here the periodic save runs every `intervalMs` instead (what it keeps that nothing else does:
 * herdsman's last-seen times and cached attribute values; device states are in the state
 * journal), and a write whose text is the same as the last one written is skipped. What changes
 * the network (a join, an interview, a bind, a reporting configuration, a removal) is still
 * written at once, as herdsman does.
 */
import type { Controller } from 'zigbee-herdsman';

/** herdsman's own periodic save interval. */
export const HERDSMAN_SAVE_MS = 300_000;

/** The parts of herdsman's Controller and Database this reaches into (zigbee-herdsman 10.x). */
interface HerdsmanInternals {
  databaseSaveTimer?: NodeJS.Timeout;
  databaseSave(): void;
  database?: { entries: Map<number, unknown>; write(): void };
}

/** The whole file as herdsman writes it: one JSON line per entry. */
function textOf(entries: Map<number, unknown>): string {
  let lines = '';
  for (const entry of entries.values()) lines += `${JSON.stringify(entry)}\n`;
  return lines;
}

/**
 * Applies the schedule to a started controller (its database open, its 5-minute timer set).
 * Returns how many writes were skipped as unchanged so far (for tests and metrics).
 */
export function writeDatabaseForFlash(controller: Controller, intervalMs: number): { skipped: () => number; written: () => number } {
  const internals = controller as unknown as HerdsmanInternals;
  const database = internals.database;
  let skipped = 0;
  let written = 0;
  if (database !== undefined) {
    const write = database.write.bind(database);
    let last: string | undefined;
    database.write = () => {
      const text = textOf(database.entries);
      if (text === last) {
        skipped++;
        return;
      }
      write();
      last = text;
      written++;
    };
  }
  if (internals.databaseSaveTimer !== undefined) {
    // herdsman's stop clears this timer, and saves once more
    clearInterval(internals.databaseSaveTimer);
    internals.databaseSaveTimer = setInterval(() => internals.databaseSave(), intervalMs);
  }
  return { skipped: () => skipped, written: () => written };
}
