import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashString, ShardedMap } from '../../src/collections/sharded-map.js';

describe('ShardedMap', () => {
  it('behaves like a Map for any sequence of set, delete and clear', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: fc.string({ maxLength: 6 }), value: fc.integer() }),
      fc.record({ op: fc.constant('delete' as const), key: fc.string({ maxLength: 6 }) }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 8, 64), fc.array(op, { maxLength: 200 }), (shards, ops) => {
        const sharded = new ShardedMap<number>(shards);
        const model = new Map<string, number>();
        for (const step of ops) {
          if (step.op === 'set') {
            sharded.set(step.key, step.value);
            model.set(step.key, step.value);
          } else if (step.op === 'delete') {
            expect(sharded.delete(step.key)).toBe(model.delete(step.key));
          } else {
            sharded.clear();
            model.clear();
          }
          expect(sharded.size).toBe(model.size);
        }
        for (const [key, value] of model) {
          expect(sharded.get(key)).toBe(value);
          expect(sharded.has(key)).toBe(true);
        }
        expect(new Map(sharded)).toEqual(model);
        expect(new Set(sharded.keys())).toEqual(new Set(model.keys()));
        expect([...sharded.values()].sort()).toEqual([...model.values()].sort());
      }),
    );
  });

  it('puts each key in the shard shardOf names, and spreads device ids evenly', () => {
    const map = new ShardedMap<number>(64);
    for (let i = 0; i < 64_000; i++) map.set(`zigbee:0x00124b00${i.toString(16).padStart(8, '0')}`, i);
    const sizes = Array.from({ length: 64 }, (_, shard) => map.shard(shard).size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(64_000);
    // 1,000 per shard on average; a fair hash keeps every shard within ±20 %
    expect(Math.min(...sizes)).toBeGreaterThan(800);
    expect(Math.max(...sizes)).toBeLessThan(1200);
    for (const [key] of map) expect(map.shard(map.shardOf(key)).has(key)).toBe(true);
  });

  it('visits every entry once with forEach', () => {
    const map = new ShardedMap<number>(4);
    for (let i = 0; i < 100; i++) map.set(`k${i}`, i);
    const seen: number[] = [];
    map.forEach((value, key, self) => {
      expect(self).toBe(map);
      expect(key).toBe(`k${value}`);
      seen.push(value);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('refuses a shard count that is not a power of two, naming the value', () => {
    expect(() => new ShardedMap(12)).toThrow('ShardedMap shardCount: expected a power of two 1-65536, got 12');
    expect(() => new ShardedMap(0)).toThrow(/got 0/);
    expect(() => new ShardedMap(4).shard(4)).toThrow('shard index: expected 0-3, got 4');
  });

  it('hashes with FNV-1a (known vectors)', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});
