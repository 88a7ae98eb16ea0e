/**
 * ShardedMap: a Map split into a power-of-two number of shards by a string hash. Node has no
 * lock to split, so this exists for two other reasons: a V8 Map grows by rehashing every entry
 * in one step, and a shard of 1/N the size rehashes N times faster, which bounds the worst
 * single event-loop stall; and sweeps and persistence can work one shard at a time. The API
 * follows Map's (get, set, delete, has, size, iteration) plus per-shard access.
 */

/** FNV-1a over UTF-16 code units: fast, well spread for ids such as "zigbee:0x00124b…". */
export function hashString(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

export class ShardedMap<V> implements Iterable<[string, V]> {
  private readonly shards: Map<string, V>[];
  private readonly mask: number;
  private count = 0;

  constructor(shardCount = 256) {
    if (!isPowerOfTwo(shardCount) || shardCount > 65536) {
      throw new RangeError(`ShardedMap shardCount: expected a power of two 1-65536, got ${String(shardCount)}`);
    }
    this.mask = shardCount - 1;
    this.shards = Array.from({ length: shardCount }, () => new Map<string, V>());
  }

  get shardCount(): number {
    return this.shards.length;
  }

  get size(): number {
    return this.count;
  }

  /** The index of the shard that holds `key`. */
  shardOf(key: string): number {
    return hashString(key) & this.mask;
  }

  private shardFor(key: string): Map<string, V> {
    return this.shards[hashString(key) & this.mask] as Map<string, V>;
  }

  get(key: string): V | undefined {
    return this.shardFor(key).get(key);
  }

  has(key: string): boolean {
    return this.shardFor(key).has(key);
  }

  set(key: string, value: V): this {
    const shard = this.shardFor(key);
    const before = shard.size;
    shard.set(key, value);
    this.count += shard.size - before;
    return this;
  }

  delete(key: string): boolean {
    const deleted = this.shardFor(key).delete(key);
    if (deleted) this.count--;
    return deleted;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.count = 0;
  }

  /** The entries of one shard, live (a read-only view; write through the ShardedMap). */
  shard(index: number): ReadonlyMap<string, V> {
    const shard = this.shards[index];
    if (shard === undefined) throw new RangeError(`shard index: expected 0-${this.mask}, got ${index}`);
    return shard;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const shard of this.shards) yield* shard.entries();
  }

  *keys(): IterableIterator<string> {
    for (const shard of this.shards) yield* shard.keys();
  }

  *values(): IterableIterator<V> {
    for (const shard of this.shards) yield* shard.values();
  }

  forEach(callback: (value: V, key: string, map: this) => void): void {
    for (const shard of this.shards) for (const [key, value] of shard) callback(value, key, this);
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }
}
