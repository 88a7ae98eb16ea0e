import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { InMemorySnapshotStore } from '../../src/actors/snapshot-store.js';
import { counterKind, gate, scrape, testSystem, until } from './support.js';

/** A store whose save and load can be made to fail. */
class FlakyStore extends InMemorySnapshotStore {
  failSaves = 0;
  failLoads = 0;
  override save(kind: string, id: string, snapshot: unknown): Promise<void> {
    if (this.failSaves > 0) {
      this.failSaves--;
      return Promise.reject(new Error('disk full'));
    }
    return super.save(kind, id, snapshot);
  }
  override load(kind: string, id: string): Promise<unknown> {
    if (this.failLoads > 0) {
      this.failLoads--;
      return Promise.reject(new Error('read error'));
    }
    return super.load(kind, id);
  }
}

describe('passivation', () => {
  it('passivates an actor idle past the timeout, and re-activates it from its snapshot on the next message', async () => {
    let now = 0;
    const { system, store, metrics } = testSystem({ idleTimeoutMs: 1000 }, { now: () => now });
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    expect(await ref.ask({ type: 'add', n: 3 })).toBe(3);
    now = 999;
    system.sweep();
    expect(system.isActive('a')).toBe(true);
    now = 1001;
    system.sweep();
    await until(() => !system.isActive('a'));
    expect(await store.load('counter', 'a')).toEqual({ total: 3 });
    let sample = await scrape(metrics);
    expect(sample('hearth_actors_active', 'counter')).toBe(0);
    expect(sample('hearth_actors_passivated', 'counter')).toBe(1);
    // transparent to the sender, who still holds the same ref
    expect(await ref.ask({ type: 'add', n: 1 })).toBe(4);
    expect(recorder.events).toEqual(['a:start', 'a:add 3', 'a:passivate', 'a:start', 'a:add 1']);
    sample = await scrape(metrics);
    expect(sample('hearth_actor_passivations_total', 'counter')).toBe(1);
    expect(sample('hearth_actor_activations_total', 'counter')).toBe(2);
  });

  it('keeps at most maxActive incarnations, passivating the least recently used', async () => {
    const { system } = testSystem({ maxActive: 3 });
    const { kind } = counterKind();
    const refs = ['a', 'b', 'c'].map((id) => system.spawn(kind, id));
    for (const ref of refs) await ref.ask({ type: 'add', n: 1 });
    await refs[0]?.ask({ type: 'add', n: 1 }); // a is now the most recent; b the least
    system.spawn(kind, 'd');
    await until(() => !system.isActive('b'));
    expect(['a', 'b', 'c', 'd'].map((id) => system.isActive(id))).toEqual([true, false, true, true]);
    expect(system.activeCount).toBe(3);
    expect(await system.ask('b', { type: 'get' })).toBe(1); // comes back; someone else goes
    await until(() => system.activeCount === 3);
    expect(system.isActive('c')).toBe(false);
  });

  it('holds a message that arrives while the actor passivates, and delivers it to the next incarnation in order', async () => {
    const saving = gate();
    const { system, store } = testSystem();
    const { kind, recorder } = counterKind({ onPassivate: async (_id, total) => (await saving.promise, { total }) });
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'add', n: 5 });
    const passivated = system.passivate('a');
    await until(() => recorder.events.includes('a:passivate'));
    ref.tell({ type: 'add', n: 1, tag: 'first' });
    const reply = ref.ask({ type: 'add', n: 1, tag: 'second' });
    saving.open();
    expect(await passivated).toBe(true);
    expect(await reply).toBe(7);
    expect(recorder.handled.get('a')).toEqual(['first', 'second']);
    expect(recorder.events).toEqual(['a:start', 'a:add 5', 'a:passivate', 'a:start', 'a:add 1', 'a:add 1']);
    expect(await store.load('counter', 'a')).toEqual({ total: 5 });
  });

  it('keeps an actor active, state intact, when its onPassivate fails; messages that waited are handled by it', async () => {
    const saving = gate();
    let fail = true;
    const { system, metrics, lines } = testSystem();
    const { kind, recorder } = counterKind({
      onPassivate: async (_id, total) => {
        await saving.promise;
        if (fail) throw new Error('serialise failed');
        return { total };
      },
    });
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'add', n: 2 });
    const passivated = system.passivate('a');
    await until(() => recorder.events.includes('a:passivate'));
    const reply = ref.ask({ type: 'add', n: 1 });
    saving.open();
    expect(await passivated).toBe(false);
    expect(await reply).toBe(3);
    expect(system.isActive('a')).toBe(true);
    expect(recorder.events.filter((e) => e === 'a:start')).toHaveLength(1);
    expect(lines.some((line) => line.msg === 'could not passivate a: serialise failed; it stays active')).toBe(true);
    expect((await scrape(metrics))('hearth_actor_passivation_failures_total', 'counter')).toBe(1);
    fail = false;
    expect(await system.passivate('a')).toBe(true);
  });

  it('keeps an actor active when the snapshot store throws, and passivates it once the store recovers', async () => {
    const store = new FlakyStore();
    store.failSaves = 1;
    const { system } = testSystem({}, { store });
    const { kind } = counterKind();
    const ref = system.spawn(kind, 'a');
    await ref.ask({ type: 'add', n: 9 });
    expect(await system.passivate('a')).toBe(false);
    expect(await ref.ask({ type: 'get' })).toBe(9);
    expect(await system.passivate('a')).toBe(true);
    expect(await store.load('counter', 'a')).toEqual({ total: 9 });
  });

  it('retries an activation whose snapshot load fails, through supervision, keeping the waiting messages', async () => {
    const store = new FlakyStore();
    await store.save('counter', 'a', { total: 40 });
    store.failLoads = 2;
    const { system, lines } = testSystem({}, { store });
    const { kind } = counterKind();
    system.register(kind, 'a');
    expect(await system.ask('a', { type: 'add', n: 2 })).toBe(42);
    expect(lines.filter((line) => line.msg === 'a could not start: read error; restart')).toHaveLength(2);
  });

  it('never passivates a kind that opts out, by idle timeout or by the active limit', async () => {
    let now = 0;
    const { system } = testSystem({ idleTimeoutMs: 10, maxActive: 1 }, { now: () => now });
    const coordinator = counterKind({ name: 'coordinator', passivate: false });
    const device = counterKind({ name: 'device' });
    system.spawn(coordinator.kind, 'coordinator');
    await system.ask('coordinator', { type: 'get' });
    system.spawn(device.kind, 'd1');
    await system.ask('d1', { type: 'get' });
    now = 1000;
    system.sweep();
    await until(() => !system.isActive('d1'));
    expect(system.isActive('coordinator')).toBe(true);
    expect(coordinator.recorder.events).toEqual(['coordinator:start', 'coordinator:get']);
  });

  it('does bounded work per sweep: sweepBudget actors at most', async () => {
    let now = 0;
    const { system } = testSystem({ idleTimeoutMs: 10, sweepBudget: 3 }, { now: () => now });
    const { kind } = counterKind();
    for (let i = 0; i < 10; i++) await system.spawn(kind, `a${i}`).ask({ type: 'get' });
    now = 100;
    system.sweep();
    await until(() => system.activeCount === 7);
    await system.settled();
    expect(system.activeCount).toBe(7);
    system.sweep();
    system.sweep();
    system.sweep();
    await until(() => system.activeCount === 0);
  });

  it('does not save a snapshot for an actor that returns none, and creates it afresh', async () => {
    const { system, store } = testSystem();
    const { kind, recorder } = counterKind({ onPassivate: () => undefined });
    const ref = system.spawn(kind, 'a');
    await ref.ask({ type: 'add', n: 1 });
    expect(await system.passivate('a')).toBe(true);
    expect(await store.load('counter', 'a')).toBeUndefined();
    expect(await ref.ask({ type: 'get' })).toBe(0);
    expect(recorder.createdFrom.map((c) => c.snapshot)).toEqual([undefined, undefined]);
  });

  it('runs the idle sweep on its own once started, and stops it on shutdown', async () => {
    const { system } = testSystem({ idleTimeoutMs: 20, sweepIntervalMs: 10 });
    const { kind } = counterKind();
    await system.spawn(kind, 'a').ask({ type: 'get' });
    system.start();
    await until(() => !system.isActive('a'), 2000, 'the sweep to passivate a');
    await system.shutdown();
  });

  it('passivates on the sweep timer once the idle timeout has passed, not before (fake timers)', async () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const { system } = testSystem({ idleTimeoutMs: 5000, sweepIntervalMs: 1000 }, { now: () => Date.now() });
    const { kind } = counterKind();
    const ref = system.spawn(kind, 'a');
    await ref.ask({ type: 'get' });
    system.start();
    await vi.advanceTimersByTimeAsync(4000);
    // a message at 4 s resets the idle time: the 5 s and 8 s sweeps find it idle too briefly
    await ref.ask({ type: 'get' });
    await vi.advanceTimersByTimeAsync(4000);
    expect(system.isActive('a')).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    await system.settled();
    expect(system.isActive('a')).toBe(false);
    await system.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });
});
