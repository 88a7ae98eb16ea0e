/**
 * herdsman's database (`database.db`, every device and group) written on the hub's schedule and
 * only when it changed. herdsman rewrites the whole file every 5 minutes whatever happened
 * (`databaseSaveTimer`, not an option of its Controller), a few hundred kilobytes for a couple of
 * hundred devices, mostly to move each device's `lastSeen` on: the hub keeps last-seen times in
 * its own state store, and each report's attribute value: the hub keeps values there too. This
 * saver takes that timer over and writes the file when an entry's structure changed (endpoints,
 * binds, reporting, meta), and when only cached attribute values did, at most once an hour.
 * herdsman still writes it at once when a device joins, leaves, is interviewed or gets a new
 * network address, and at stop.
 */
import type { Logger } from 'pino';
import type { Controller } from 'zigbee-herdsman';
import { describeError } from '../../errors.js';

/** How often the saver looks for a change (herdsman's own interval). */
export const DATABASE_SAVE_MS = 300_000;
/** Cached attribute values (the last reported ones) alone are written at most this often. */
const ATTRIBUTES_EVERY_MS = 3_600_000;

/** The parts of herdsman's Controller the saver uses: not in its typings. */
interface ControllerInternals {
  databaseSaveTimer?: NodeJS.Timeout;
  database?: { write(): void; entries?: Map<number, Record<string, unknown>> };
}

export class DatabaseSaves {
  private timer: NodeJS.Timeout | undefined;
  /** The entries as last written, less lastSeen: their structure and their attribute values (undefined: herdsman just wrote them). */
  private written: { structure: string; values: string } | undefined;
  private writtenAt = Date.now();
  writes = 0;

  constructor(
    private readonly controller: Controller,
    private readonly log: Logger,
  ) {}

  /** Takes herdsman's save timer over (after its start): a look every `intervalMs` from now on. */
  schedule(intervalMs = DATABASE_SAVE_MS): void {
    const internals = this.controller as unknown as ControllerInternals;
    if (internals.databaseSaveTimer !== undefined) clearInterval(internals.databaseSaveTimer);
    internals.databaseSaveTimer = undefined;
    const database = internals.database;
    if (database !== undefined) {
      // herdsman's own writes (a join, an interview, a new network address, stop) count as written
      const write = database.write.bind(database);
      database.write = () => {
        write();
        this.written = undefined;
        this.writtenAt = Date.now();
      };
    }
    this.timer = setInterval(() => this.saveIfChanged(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Writes the database if an entry's structure changed (endpoints, binds, reporting, meta...),
   * or its cached attribute values did and the last write is ATTRIBUTES_EVERY_MS old; whether it wrote.
   */
  saveIfChanged(): boolean {
    const database = (this.controller as unknown as ControllerInternals).database;
    const now = this.content();
    const before = this.written;
    if (database === undefined || before === undefined) {
      this.written = now;
      return false;
    }
    const changed =
      now.structure !== before.structure || (now.values !== before.values && Date.now() - this.writtenAt >= ATTRIBUTES_EVERY_MS);
    if (!changed) return false;
    try {
      database.write();
      this.written = now;
      this.writes++;
      return true;
    } catch (error) {
      this.log.warn({ err: error }, `could not write the Zigbee database: ${describeError(error)}; trying again later`);
      return false;
    }
  }

  /** The database's entries as herdsman would write them now, less lastSeen: their structure, and their cached attribute values. */
  private content(): { structure: string; values: string } {
    for (const device of this.controller.getDevicesIterator()) device.save(false);
    for (const group of this.controller.getGroupsIterator()) group.save(false);
    let structure = '';
    let values = '';
    for (const entry of (this.controller as unknown as ControllerInternals).database?.entries?.values() ?? []) {
      // an endpoint's clusters hold herdsman's cache of attribute values, nothing else
      const endpoints = entry.endpoints as Record<string, { clusters?: unknown }> | undefined;
      const attributes: unknown[] = [];
      const bare: Record<string, unknown> = {};
      for (const [id, endpoint] of Object.entries(endpoints ?? {})) {
        attributes.push(endpoint.clusters);
        bare[id] = { ...endpoint, clusters: undefined };
      }
      structure += `${JSON.stringify({ ...entry, lastSeen: undefined, endpoints: bare })}\n`;
      values += `${JSON.stringify(attributes)}\n`;
    }
    return { structure, values };
  }
}
