/**
 * The device registry on disk: device records in lowdb documents, one file per shard
 * (`registry/shard-NNN.json`), so a change rewrites 1/N of the registry. Writes are coalesced
 * per shard (at most one per interval) and flushed on close. Friendly names are unique
 * (case-insensitive) and follow the name rule (name-rule.ts); a record an older version kept
 * with a name the rule refuses gets its id back as its name when loaded (with a warning), so
 * its topics cannot cut the hub off the broker. Loading reads every shard file present,
 * whatever shard count wrote it, and re-shards when the count changed. Lookups by a user's
 * string are own-property lookups: `__proto__` or `constructor` finds no device.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Low } from 'lowdb';
import type { Logger } from 'pino';
import { z } from 'zod';
import { hashString, isPowerOfTwo } from '../collections/sharded-map.js';
import { parseDeviceId } from '../model/device-id.js';
import { deviceRecordSchema, type DeviceRecord } from '../model/device-record.js';
import { friendlyNameProblem, nameMessage } from '../model/name-rule.js';
import { quoted } from '../model/mqtt-text.js';
import { ErrorCode, HearthError } from '../errors.js';
import { removeStaleTemps } from './atomic-file.js';
import { CoalescingWriter } from './coalescing-writer.js';
import { DurableJsonFile } from './durable-json-file.js';
import type { StoreDamage } from './store-damage.js';

type ShardDocument = Record<string, DeviceRecord>;

const shardDocumentSchema = z.record(z.string(), deviceRecordSchema);
const SHARD_FILE = /^shard-(\d{3,5})\.json$/;

function validateShard(value: unknown): ShardDocument {
  const result = shardDocumentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`not a registry shard: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data as ShardDocument;
}

export interface DeviceRegistryOptions {
  dir: string;
  shards: number;
  writeIntervalMs: number;
  log: Logger;
  /** Where a damaged shard is reported. */
  damage?: StoreDamage;
}

interface Shard {
  db: Low<ShardDocument>;
  writer: CoalescingWriter;
}

export class DeviceRegistry {
  private readonly shards: Shard[];
  private readonly byName = new Map<string, string>();
  private count = 0;

  constructor(private readonly options: DeviceRegistryOptions) {
    if (!isPowerOfTwo(options.shards)) throw new RangeError(`registry shards: expected a power of two, got ${options.shards}`);
    this.shards = Array.from({ length: options.shards }, (_, index) => this.makeShard(index));
  }

  private makeShard(index: number): Shard {
    const path = join(this.options.dir, `shard-${String(index).padStart(3, '0')}.json`);
    const file = new DurableJsonFile<ShardDocument>(path, validateShard, this.options.log, (problem, action) =>
      this.options.damage?.note({ kind: 'document', area: 'registry', file: path, problem, action }),
    );
    const db = new Low<ShardDocument>(file, {});
    const writer = new CoalescingWriter(() => db.write(), this.options.writeIntervalMs, this.options.log, file.path);
    return { db, writer };
  }

  private shardIndex(id: string): number {
    return hashString(id) & (this.shards.length - 1);
  }

  private shardOf(id: string): Shard {
    return this.shards[this.shardIndex(id)] as Shard;
  }

  /** Reads every shard file; a corrupt one falls back to its last good copy or fails loudly. */
  async load(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await removeStaleTemps(this.options.dir);
    const files = (await readdir(this.options.dir)).map((name) => SHARD_FILE.exec(name)).filter((m): m is RegExpExecArray => m !== null);
    const foreign: Shard[] = [];
    const reads: Promise<void>[] = [];
    for (const match of files) {
      const index = Number(match[1]);
      const shard = index < this.shards.length ? (this.shards[index] as Shard) : this.makeShard(index);
      if (index >= this.shards.length) foreign.push(shard);
      reads.push(shard.db.read());
    }
    // the files at once (their reads overlap); a failure is the first file's in order, once every read is done
    const failed = (await Promise.allSettled(reads)).find((read) => read.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    // records in the shard their id hashes to now; anything elsewhere moves (a changed shard
    // count): destinations are written before the shards the records left, so a crash in
    // between leaves a record twice (harmless, the next load settles it), never nowhere
    const sources = new Set<Shard>();
    const destinations = new Set<Shard>();
    const all = [
      ...this.shards.map((shard, index) => [index, shard] as const),
      ...foreign.map((shard, i) => [this.shards.length + i, shard] as const),
    ];
    for (const [index, shard] of all) {
      for (const [id, record] of Object.entries(shard.db.data)) {
        const home = this.shardIndex(id);
        if (home === index) continue;
        const destination = this.shards[home] as Shard;
        delete shard.db.data[id];
        destination.db.data[id] = record;
        sources.add(shard);
        destinations.add(destination);
      }
    }
    for (const shard of destinations) shard.writer.markDirty();
    await Promise.all([...destinations].map((shard) => shard.writer.flush()));
    for (const shard of sources) shard.writer.markDirty();
    await Promise.all([...sources].map((shard) => shard.writer.flush()));
    this.byName.clear();
    this.count = 0;
    for (const shard of this.shards) {
      for (const record of Object.values(shard.db.data)) {
        const problem = friendlyNameProblem(record.friendlyName, record.id);
        if (problem !== undefined) {
          this.options.log.warn(
            { device: record.id, code: ErrorCode.DeviceNameInvalid },
            `${nameMessage('friendly name', record.friendlyName, problem)}; the device is named by its id again`,
          );
          record.friendlyName = record.id;
          shard.writer.markDirty();
        }
        this.byName.set(record.friendlyName.toLowerCase(), record.id);
        this.count++;
      }
    }
  }

  get size(): number {
    return this.count;
  }

  get(id: string): DeviceRecord | undefined {
    const data = this.shardOf(id).db.data;
    return Object.hasOwn(data, id) ? data[id] : undefined;
  }

  /** The device with this friendly name (case-insensitive). */
  byFriendlyName(name: string): DeviceRecord | undefined {
    const id = this.byName.get(name.toLowerCase());
    return id === undefined ? undefined : this.get(id);
  }

  *all(): IterableIterator<DeviceRecord> {
    for (const shard of this.shards) yield* Object.values(shard.db.data);
  }

  private checkName(name: string, id: string): void {
    const problem = friendlyNameProblem(name, id);
    if (problem !== undefined) throw new HearthError(ErrorCode.DeviceNameInvalid, nameMessage('friendly name', name, problem));
    const holder = this.byName.get(name.toLowerCase());
    if (holder !== undefined && holder !== id)
      throw new HearthError(ErrorCode.DeviceNameTaken, `friendly name ${quoted(name)} is taken by ${holder}`);
  }

  /** Adds a device, or replaces its record; a record equal to the one kept writes nothing (a radio announces every device at each start). */
  put(record: DeviceRecord): void {
    parseDeviceId(record.id);
    this.checkName(record.friendlyName, record.id);
    const shard = this.shardOf(record.id);
    const previous = Object.hasOwn(shard.db.data, record.id) ? shard.db.data[record.id] : undefined;
    // what the file holds already, compared as JSON holds it (a key set to undefined is no key there, as after a read)
    if (previous !== undefined && isDeepStrictEqual(JSON.parse(JSON.stringify(previous)), JSON.parse(JSON.stringify(record)))) return;
    if (previous === undefined) this.count++;
    else this.byName.delete(previous.friendlyName.toLowerCase());
    shard.db.data[record.id] = record;
    this.byName.set(record.friendlyName.toLowerCase(), record.id);
    shard.writer.markDirty();
  }

  rename(id: string, friendlyName: string): DeviceRecord {
    const record = this.get(id);
    if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device with id ${id}`);
    const renamed = { ...record, friendlyName };
    this.put(renamed);
    return renamed;
  }

  remove(id: string): DeviceRecord {
    const shard = this.shardOf(id);
    const record = this.get(id);
    if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device with id ${id}`);
    delete shard.db.data[id];
    this.byName.delete(record.friendlyName.toLowerCase());
    this.count--;
    shard.writer.markDirty();
    return record;
  }

  /** Writes every changed shard now. */
  async flush(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.writer.flush()));
  }

  /** Writes made so far (coalesced), for tests and metrics. */
  get writes(): number {
    return this.shards.reduce((sum, shard) => sum + shard.writer.writes, 0);
  }
}
