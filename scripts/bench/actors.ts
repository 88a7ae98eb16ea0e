/**
 * Benchmark `actors`: the actor runtime's throughput, memory and worst stalls.
 *
 * - tell_msgs_per_s: 1,000 actors with a trivial handler, messages told in bursts.
 * - ask_msgs_per_s: 1,000 asks in flight at a time, round after round.
 * - heap_bytes_per_active_actor: a device-sized actor (state of a dozen fields) with a live
 *   incarnation, heap after GC.
 * - heap_bytes_per_passivated_actor: 100,000 registered, maxActive 1,000, after GC: what the
 *   runtime keeps for an actor without an incarnation. Snapshots go to a store outside the
 *   heap on a hub (the durable store); heap_bytes_per_snapshot_in_memory is what the in-memory
 *   store adds when it holds them instead.
 * - registry_max_stall_ms_sharded / _single_map: the longest single set or delete while one
 *   registry grows to 1,000,000 entries and shrinks back, the same keys, in the same run (see
 *   _registry-stall.ts): measured with a young generation large enough that no scavenge lands
 *   in the run, since a scavenge stalls whatever allocation comes next; the _with_gc fields
 *   repeat it with Node's defaults.
 * - reactivation_us_p99: an ask to a passivated actor, until its reply (load snapshot, new
 *   incarnation, and the passivation of another to stay under maxActive).
 *
 * Usage: npm run bench -- actors
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { InMemorySnapshotStore, type SnapshotStore } from '../../src/actors/snapshot-store.js';
import type { ActorKind } from '../../src/actors/types.js';
import { actorsConfig } from '../../test/support/config-defaults.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc (npm run bench -- actors does)');

const log = pino({ level: 'silent' });
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const idOf = (i: number): string => `zigbee:0x00124b00${i.toString(16).padStart(8, '0')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** Saves nothing: stands for a store whose snapshots live outside the heap. */
class DiscardingStore implements SnapshotStore {
  saves = 0;
  load(): Promise<unknown> {
    return Promise.resolve(undefined);
  }
  save(): Promise<void> {
    this.saves++;
    return Promise.resolve();
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
}

type Message = { type: 'inc' } | { type: 'get' };

const trivialKind: ActorKind<Message, number, { count: number }> = {
  name: 'trivial',
  create(_context, snapshot) {
    let count = snapshot?.count ?? 0;
    return {
      receive(message) {
        if (message.type === 'inc') count++;
        return count;
      },
      onPassivate: () => ({ count }),
    };
  },
};

interface DeviceState {
  id: string;
  name: string;
  room: string;
  online: boolean;
  lastSeen: number;
  on: boolean;
  brightness: number;
  colorTemp: number;
  power: number;
  energy: number;
  linkquality: number;
  battery: number;
}

/** An actor the size of a device's: a dozen fields of state. */
const deviceKind: ActorKind<Message, number, DeviceState> = {
  name: 'device',
  create(context, snapshot) {
    const state: DeviceState = snapshot ?? {
      id: context.id,
      name: `Lamp ${context.id}`,
      room: 'living-room',
      online: true,
      lastSeen: Date.now(),
      on: false,
      brightness: 254,
      colorTemp: 370,
      power: 4.2,
      energy: 12.5,
      linkquality: 120,
      battery: 100,
    };
    return {
      receive(message) {
        if (message.type === 'inc') state.brightness = (state.brightness + 1) % 255;
        return state.brightness;
      },
      onPassivate: () => ({ ...state }),
    };
  },
};

async function tellThroughput(): Promise<number> {
  const system = new ActorSystem({ log, config: actorsConfig({ maxActive: 10_000, idleTimeoutMs: 0 }) });
  const refs = Array.from({ length: 1000 }, (_, i) => system.spawn(trivialKind, `a${i}`));
  const message: Message = { type: 'inc' };
  const burst = async () => {
    for (let round = 0; round < 100; round++) for (const ref of refs) ref.tell(message);
    await system.settled();
  };
  for (let i = 0; i < 10; i++) await burst(); // warm-up
  const bursts = 100;
  const started = performance.now();
  for (let i = 0; i < bursts; i++) await burst();
  const seconds = (performance.now() - started) / 1000;
  const total = await refs[0]?.ask({ type: 'get' });
  if (total !== 110 * 100) throw new Error(`tell bench lost messages: a0 counted ${String(total)}`);
  await system.shutdown();
  return (bursts * 100 * refs.length) / seconds;
}

async function askThroughput(): Promise<number> {
  const system = new ActorSystem({ log, config: actorsConfig({ maxActive: 10_000, idleTimeoutMs: 0 }) });
  const refs = Array.from({ length: 1000 }, (_, i) => system.spawn(trivialKind, `a${i}`));
  const message: Message = { type: 'inc' };
  const rounds = async (count: number) => {
    for (let i = 0; i < count; i++) await Promise.all(refs.map((ref) => ref.ask(message)));
  };
  await rounds(20);
  const count = 200;
  const started = performance.now();
  await rounds(count);
  const seconds = (performance.now() - started) / 1000;
  await system.shutdown();
  return (count * refs.length) / seconds;
}

async function heapPerActiveActor(): Promise<number> {
  const count = 10_000;
  const system = new ActorSystem({ log, config: actorsConfig({ maxActive: count * 2, idleTimeoutMs: 0 }) });
  const before = await heapAfterGc();
  const refs = [];
  for (let i = 0; i < count; i++) refs.push(system.spawn(deviceKind, idOf(i)));
  await Promise.all(refs.map((ref) => ref.ask({ type: 'inc' })));
  refs.length = 0;
  const after = await heapAfterGc();
  if (system.activeCount !== count) throw new Error(`expected ${count} active, got ${system.activeCount}`);
  await system.shutdown();
  return (after - before) / count;
}

async function heapPerPassivatedActor(): Promise<{ perPassivated: number; perSnapshot: number; reactivationP99Us: number }> {
  const registered = 100_000;
  const maxActive = 1000;
  const measure = async (store: SnapshotStore): Promise<{ perActor: number; system: ActorSystem }> => {
    const system = new ActorSystem({ log, store, config: actorsConfig({ maxActive, idleTimeoutMs: 0, registryShards: REGISTRY_SHARDS }) });
    const before = await heapAfterGc();
    // the ids are made after the first measurement: the registry holds them, so they count
    for (let i = 0; i < registered; i++) system.register(deviceKind, idOf(i));
    // activate every one: all but maxActive end up passivated again
    for (let i = 0; i < registered; i += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, j) => system.ask(idOf(i + j), { type: 'inc' })));
    }
    while (system.activeCount > maxActive) await new Promise((resolve) => setImmediate(resolve));
    const after = await heapAfterGc();
    const activeShare = maxActive * activeBytes;
    return { perActor: (after - before - activeShare) / (registered - maxActive), system };
  };
  const outside = await measure(new DiscardingStore());
  const reactivationP99Us = await reactivation(outside.system, registered);
  await outside.system.shutdown();
  const inMemory = await measure(new InMemorySnapshotStore());
  await inMemory.system.shutdown();
  return { perPassivated: outside.perActor, perSnapshot: inMemory.perActor - outside.perActor, reactivationP99Us };
}

async function reactivation(system: ActorSystem, registered: number): Promise<number> {
  const samples: number[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20_000; i++) {
    const id = idOf(Math.floor(random() * registered));
    if (system.isActive(id)) continue;
    const started = performance.now();
    await system.ask(id, { type: 'get' });
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  return percentile(samples, 0.99);
}

interface Stalls {
  sharded_ms: number;
  single_map_ms: number;
}

/** Runs _registry-stall.ts in a fresh process with the given V8 flags. */
function registryStalls(v8Flags: string[]): Stalls {
  const script = fileURLToPath(new URL('_registry-stall.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--expose-gc', ...v8Flags, '--import', 'tsx', script, String(REGISTRY_SHARDS)], {
    encoding: 'utf8',
  });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !last.startsWith('{')) throw new Error(`registry stall run failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(last) as Stalls;
}

const REGISTRY_SHARDS = 256;

let activeBytes = 0;

const tell = await tellThroughput();
process.stderr.write(`tell: ${round(tell)} msgs/s\n`);
const ask = await askThroughput();
process.stderr.write(`ask: ${round(ask)} msgs/s\n`);
activeBytes = await heapPerActiveActor();
process.stderr.write(`active actor: ${round(activeBytes)} bytes\n`);
const passivated = await heapPerPassivatedActor();
process.stderr.write(
  `passivated actor: ${round(passivated.perPassivated)} bytes (+${round(passivated.perSnapshot)} with in-memory snapshots); reactivation p99 ${round(passivated.reactivationP99Us)} µs\n`,
);
// the structures' own stalls: a young generation big enough that no scavenge lands in the run
const stalls = registryStalls(['--min-semi-space-size=256', '--max-semi-space-size=256']);
// and as a default Node sees them, collector pauses included
const withGc = registryStalls([]);
process.stderr.write(
  `registry worst stall: sharded ${round(stalls.sharded_ms, 2)} ms (${round(withGc.sharded_ms, 2)} with GC), single Map ${round(stalls.single_map_ms, 2)} ms (${round(withGc.single_map_ms, 2)} with GC)\n`,
);

console.log(
  JSON.stringify({
    bench: 'actors',
    tell_msgs_per_s: round(tell),
    ask_msgs_per_s: round(ask),
    heap_bytes_per_active_actor: round(activeBytes),
    heap_bytes_per_passivated_actor: round(passivated.perPassivated),
    heap_bytes_per_snapshot_in_memory: round(passivated.perSnapshot),
    registry_max_stall_ms_sharded: round(stalls.sharded_ms, 3),
    registry_max_stall_ms_single_map: round(stalls.single_map_ms, 3),
    registry_stall_ratio: round(stalls.single_map_ms / stalls.sharded_ms, 1),
    registry_max_stall_ms_sharded_with_gc: round(withGc.sharded_ms, 3),
    registry_max_stall_ms_single_map_with_gc: round(withGc.single_map_ms, 3),
    reactivation_us_p99: round(passivated.reactivationP99Us, 1),
    registry_shards: REGISTRY_SHARDS,
    node: process.version,
  }),
);
