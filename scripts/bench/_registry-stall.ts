/**
 * Part of `npm run bench -- actors`, run in a process of its own: the longest single set or
 * delete while a registry grows to 1,000,000 entries and shrinks back, a ShardedMap and a
 * plain Map, the same keys, alternating, the best of two runs each. Prints one JSON line.
 * The parent runs it twice: with a young generation large enough that no collection lands
 * inside the measurement (the structures' own stalls), and with Node's defaults (GC included).
 */
import { ShardedMap } from '../../src/collections/sharded-map.js';

interface StringMap {
  set(key: string, value: unknown): unknown;
  delete(key: string): boolean;
}

/**
 * Made once per map type so each has its own monomorphic call sites: one shared loop would go
 * polymorphic and time deoptimisation rather than the map.
 */
function stallMeter(): (map: StringMap, keys: string[]) => number {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fresh function per map type, see above
  return new Function(
    'map',
    'keys',
    `
    const value = {};
    let worst = 0;
    for (const key of keys) {
      const started = performance.now();
      map.set(key, value);
      const took = performance.now() - started;
      if (took > worst) worst = took;
    }
    for (const key of keys) {
      const started = performance.now();
      map.delete(key);
      const took = performance.now() - started;
      if (took > worst) worst = took;
    }
    return worst;`,
  ) as (map: StringMap, keys: string[]) => number;
}

const shards = Number(process.argv[2] ?? 256);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const keys = Array.from({ length: 1_000_000 }, (_, i) => `zigbee:0x00124b00${i.toString(16).padStart(8, '0')}`);
const mapStall = stallMeter();
const shardedStall = stallMeter();
mapStall(new Map<string, unknown>(), keys.slice(0, 50_000)); // warm-up: compile both loops
shardedStall(new ShardedMap<unknown>(shards), keys.slice(0, 50_000));
const single: number[] = [];
const sharded: number[] = [];
/** A full collection, then a pause: V8 sweeps concurrently after it, and an allocation that
 * meets an unswept page waits for it, which would be timed as the map's stall. */
async function quiesce(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 300));
}
for (let run = 0; run < 2; run++) {
  await quiesce();
  single.push(mapStall(new Map<string, unknown>(), keys));
  await quiesce();
  sharded.push(shardedStall(new ShardedMap<unknown>(shards), keys));
}
console.log(JSON.stringify({ sharded_ms: Math.min(...sharded), single_map_ms: Math.min(...single) }));
