import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../src/errors.js';
import { counterKind, gate, metricValue, scrape, testSystem, until } from './support.js';

describe('tell and ask', () => {
  it("handles one actor's messages strictly in order, one at a time, async handlers included", async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    const first = gate();
    ref.tell({ type: 'add', n: 1, tag: '1' });
    ref.tell({ type: 'wait', gate: first.promise, tag: '2' });
    ref.tell({ type: 'add', n: 1, tag: '3' });
    const reply = ref.ask({ type: 'get' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // the async handler holds the actor: nothing after it has run
    expect(recorder.events).toEqual(['a:start', 'a:add 1', 'a:wait']);
    first.open();
    expect(await reply).toBe(2);
    expect(recorder.events).toEqual(['a:start', 'a:add 1', 'a:wait', 'a:waited', 'a:add 1', 'a:get']);
  });

  it('answers an ask with what the handler returns, sync or async', async () => {
    const { system } = testSystem();
    const { kind } = counterKind();
    const ref = system.spawn(kind, 'a');
    expect(await ref.ask({ type: 'add', n: 5 })).toBe(5);
    const open = gate();
    const pending = ref.ask({ type: 'wait', gate: open.promise });
    open.open();
    expect(await pending).toBe(5);
    expect(await system.ask('a', { type: 'get' })).toBe(5);
  });

  it('keeps actors apart: many actors, each in its own order', async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind();
    const refs = Array.from({ length: 50 }, (_, i) => system.spawn(kind, `a${i}`));
    for (let round = 0; round < 200; round++) for (const ref of refs) ref.tell({ type: 'add', n: 1, tag: String(round) });
    expect(await Promise.all(refs.map((ref) => ref.ask({ type: 'get' })))).toEqual(refs.map(() => 200));
    for (const ref of refs) expect(recorder.handled.get(ref.id)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  it('rejects an ask that gets no reply in time with ASK_TIMEOUT, and drops the late reply', async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    const slow = gate();
    const timedOut = ref.ask({ type: 'wait', gate: slow.promise }, { timeoutMs: 20 });
    await expect(timedOut).rejects.toMatchObject({ code: 'ASK_TIMEOUT', message: 'ask to a got no reply within 20 ms' });
    slow.open();
    // the next asker gets its own answer, not the late one
    expect(await ref.ask({ type: 'add', n: 7 })).toBe(7);
    expect(recorder.events).toContain('a:waited');
  });

  it('does not act on an ask whose asker gave up before its turn', async () => {
    const { system, metrics } = testSystem();
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    const busy = gate();
    ref.tell({ type: 'wait', gate: busy.promise });
    const controller = new AbortController();
    const aborted = ref.ask({ type: 'add', n: 100 }, { signal: controller.signal });
    controller.abort(new Error('user went away'));
    await expect(aborted).rejects.toMatchObject({ code: 'ASK_ABORTED' });
    busy.open();
    expect(await ref.ask({ type: 'get' })).toBe(0);
    expect(recorder.events).not.toContain('a:add 100');
    expect(await metricValue(metrics, 'hearth_actor_asks_cancelled_total', 'counter')).toBe(1);
  });

  it('rejects an ask with an already aborted signal without sending it', async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    await expect(ref.ask({ type: 'add', n: 1 }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ASK_ABORTED' });
    await system.settled();
    expect(recorder.events).toEqual(['a:start']);
  });

  it('names the missing actor: ACTOR_NOT_FOUND for tell, ask and ref; ACTOR_EXISTS for a taken id', async () => {
    const { system } = testSystem();
    const { kind } = counterKind();
    system.spawn(kind, 'a');
    expect(() => system.tell('nobody', { type: 'get' })).toThrow(
      expect.objectContaining({ code: 'ACTOR_NOT_FOUND', message: 'no actor with id nobody' }),
    );
    await expect(system.ask('nobody', { type: 'get' })).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
    expect(() => system.ref('nobody')).toThrow(/no actor with id nobody/);
    expect(() => system.spawn(kind, 'a')).toThrow(expect.objectContaining({ code: 'ACTOR_EXISTS' }));
    expect(() => system.register(kind, '')).toThrow(/actor id: expected a non-empty string/);
  });
});

describe('mailbox bounds', () => {
  it('refuses a tell past the bound with MAILBOX_FULL and an ask with a rejection, losing nothing it accepted', async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind({ mailbox: { capacity: 3 } });
    const ref = system.spawn(kind, 'a');
    const hold = gate();
    ref.tell({ type: 'wait', gate: hold.promise });
    await until(() => recorder.events.includes('a:wait'));
    for (let i = 0; i < 3; i++) ref.tell({ type: 'add', n: 1, tag: String(i) });
    let refused: unknown;
    try {
      ref.tell({ type: 'add', n: 1, tag: 'refused' });
    } catch (error) {
      refused = error;
    }
    expect(isHearthError(refused, 'MAILBOX_FULL')).toBe(true);
    expect((refused as Error).message).toBe('mailbox of a is full (3 messages); message refused');
    await expect(ref.ask({ type: 'get' })).rejects.toMatchObject({ code: 'MAILBOX_FULL' });
    hold.open();
    await until(() => (recorder.handled.get('a') ?? []).length === 3);
    expect(recorder.handled.get('a')).toEqual(['0', '1', '2']);
  });

  it('drops the oldest under drop-oldest, counts it, and fails a dropped ask', async () => {
    const { system, metrics } = testSystem();
    const { kind, recorder } = counterKind({ mailbox: { capacity: 2, overflow: 'drop-oldest' } });
    const ref = system.spawn(kind, 'a');
    const hold = gate();
    ref.tell({ type: 'wait', gate: hold.promise });
    await until(() => recorder.events.includes('a:wait'));
    const dropped = ref.ask({ type: 'add', n: 1, tag: 'ask' });
    ref.tell({ type: 'add', n: 1, tag: 'old' });
    ref.tell({ type: 'add', n: 1, tag: 'new' });
    await expect(dropped).rejects.toMatchObject({ code: 'MESSAGE_DROPPED' });
    hold.open();
    await until(() => recorder.handled.get('a')?.length === 2);
    expect(recorder.handled.get('a')).toEqual(['old', 'new']);
    expect(await ref.ask({ type: 'get' })).toBe(2);
    const sample = await scrape(metrics);
    expect(sample('hearth_actor_messages_dropped_total', 'counter')).toBe(1);
    expect(sample('hearth_actor_mailbox_depth_max', 'counter')).toBe(2);
  });
});

describe('lifecycle', () => {
  it('runs onStart before the first message, and on shutdown handles what was sent, saves a snapshot and runs onStop', async () => {
    const { system, store } = testSystem();
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'add', n: 3 });
    ref.tell({ type: 'add', n: 4 });
    await system.shutdown();
    expect(recorder.events).toEqual(['a:start', 'a:add 3', 'a:add 4', 'a:passivate', 'a:stop']);
    expect(await store.load('counter', 'a')).toEqual({ total: 7 });
    expect(() => ref.tell({ type: 'get' })).toThrow(expect.objectContaining({ code: 'ACTOR_SYSTEM_STOPPED' }));
    expect(() => system.spawn(kind, 'b')).toThrow(expect.objectContaining({ code: 'ACTOR_SYSTEM_STOPPED' }));
  });

  it('removes an actor after the messages already sent, with its snapshot; later messages find nothing', async () => {
    const { system, store } = testSystem();
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    await store.save('counter', 'a', { total: 1 });
    ref.tell({ type: 'add', n: 1 });
    const pending = ref.ask({ type: 'get' });
    await system.remove('a');
    expect(await pending).toBe(1);
    expect(recorder.events).toEqual(['a:start', 'a:add 1', 'a:get', 'a:stop']);
    expect(system.has('a')).toBe(false);
    expect(await store.load('counter', 'a')).toBeUndefined();
    expect(() => ref.tell({ type: 'get' })).toThrow(expect.objectContaining({ code: 'ACTOR_NOT_FOUND' }));
  });

  it('starts a registered actor on its first message, from its snapshot', async () => {
    const { system, store } = testSystem();
    const { kind, recorder } = counterKind();
    await store.save('counter', 'lamp', { total: 41 });
    system.register(kind, 'lamp');
    expect(system.isActive('lamp')).toBe(false);
    expect(await system.ask('lamp', { type: 'add', n: 1 })).toBe(42);
    expect(recorder.createdFrom).toEqual([{ id: 'lamp', snapshot: { total: 41 } }]);
  });
});
