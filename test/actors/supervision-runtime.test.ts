import { describe, expect, it } from 'vitest';
import { counterKind, scrape, testSystem, until } from './support.js';

describe('supervision', () => {
  it('resume: fails the ask with ACTOR_FAILED and its cause, keeps the state, goes on', async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind({ supervision: { decide: () => 'resume' } });
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'add', n: 2 });
    await expect(ref.ask({ type: 'fail', error: 'bad frame' })).rejects.toMatchObject({
      code: 'ACTOR_FAILED',
      message: 'a failed handling the message: bad frame',
      cause: expect.objectContaining({ message: 'bad frame' }),
    });
    expect(await ref.ask({ type: 'add', n: 1 })).toBe(3);
    expect(recorder.events).toEqual(['a:start', 'a:add 2', 'a:fail bad frame', 'a:add 1']);
  });

  it('restart: a new incarnation from the last snapshot, after a backoff; messages sent meanwhile follow in order', async () => {
    const { system, store } = testSystem({ restart: { backoffInitialMs: 50, backoffMaxMs: 50 } });
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    await store.save('counter', 'a', { total: 10 }); // the last snapshot
    ref.tell({ type: 'add', n: 5 });
    ref.tell({ type: 'fail', error: 'driver hiccup' });
    for (let i = 0; i < 5; i++) ref.tell({ type: 'add', n: 1, tag: String(i) });
    const total = ref.ask({ type: 'get' });
    await until(() => recorder.events.includes('a:stop'));
    expect(recorder.events.at(-1)).toBe('a:stop'); // nothing handled during the backoff
    expect(await total).toBe(15);
    expect(recorder.handled.get('a')).toEqual(['0', '1', '2', '3', '4']);
    expect(recorder.events).toEqual([
      'a:start',
      'a:add 5',
      'a:fail driver hiccup',
      'a:stop',
      'a:start',
      'a:restart after driver hiccup',
      'a:add 1',
      'a:add 1',
      'a:add 1',
      'a:add 1',
      'a:add 1',
      'a:get',
    ]);
    expect(recorder.createdFrom.map((c) => c.snapshot)).toEqual([undefined, { total: 10 }]);
  });

  it('stop: pending asks fail with ACTOR_STOPPED and the actor is gone', async () => {
    const { system } = testSystem();
    const { kind, recorder } = counterKind({ supervision: { decide: () => 'stop' } });
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'fail', error: 'unrecoverable' });
    const pending = ref.ask({ type: 'get' });
    await expect(pending).rejects.toMatchObject({ code: 'ACTOR_STOPPED' });
    expect(recorder.events).toEqual(['a:start', 'a:fail unrecoverable', 'a:stop']);
    expect(system.has('a')).toBe(false);
    expect(() => ref.tell({ type: 'get' })).toThrow(expect.objectContaining({ code: 'ACTOR_NOT_FOUND' }));
  });

  it('escalates when the restart budget is spent; at the top the actor is quarantined and starts afresh on its next message', async () => {
    const { system, lines, metrics } = testSystem({ restart: { maxRestarts: 2, windowMs: 60_000 } });
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    for (let i = 0; i < 3; i++) ref.tell({ type: 'fail', error: `crash ${i}` });
    const waiting = ref.ask({ type: 'get' });
    await expect(waiting).rejects.toMatchObject({
      code: 'ACTOR_ESCALATED',
      message: expect.stringContaining('a escalated a failure and was stopped: crash 2'),
    });
    expect(system.isActive('a')).toBe(false);
    expect(system.has('a')).toBe(true);
    // a fresh incarnation with a fresh budget
    expect(await ref.ask({ type: 'add', n: 1 })).toBe(1);
    expect(recorder.events.filter((e) => e === 'a:start')).toHaveLength(4);
    const escalation = lines.filter((line) => typeof line.msg === 'string' && line.msg.includes('restart budget spent'));
    expect(escalation).toHaveLength(1);
    expect(escalation[0]).toMatchObject({ actor: 'a', kind: 'counter', err: expect.objectContaining({ message: 'crash 2' }) });
    const sample = await scrape(metrics);
    expect(sample('hearth_actor_failures_total', 'counter')).toBe(3);
    expect(sample('hearth_actor_restarts_total', 'counter')).toBe(2);
    expect(sample('hearth_actor_escalations_total', 'counter')).toBe(1);
  });

  it('logs every failure exactly once, with its cause', async () => {
    const { system, lines } = testSystem({ restart: { maxRestarts: 100, windowMs: 60_000 } });
    const { kind } = counterKind();
    const ref = system.spawn(kind, 'a');
    for (let i = 0; i < 4; i++) ref.tell({ type: 'fail', error: `oops ${i}` });
    await ref.ask({ type: 'get' });
    const failures = lines.filter((line) => line.actor === 'a' && (line.level as number) >= 40);
    expect(failures.map((line) => (line.err as { message: string }).message)).toEqual(['oops 0', 'oops 1', 'oops 2', 'oops 3']);
    expect(failures.map((line) => line.msg)).toEqual([
      'a failed: oops 0; restart',
      'a failed: oops 1; restart',
      'a failed: oops 2; restart',
      'a failed: oops 3; restart',
    ]);
  });

  it('refills the restart budget as its window slides: a rare failure never escalates', async () => {
    let now = 0;
    const { system, metrics } = testSystem({ restart: { maxRestarts: 2, windowMs: 1000 } }, { now: () => now });
    const { kind } = counterKind();
    const ref = system.spawn(kind, 'a');
    for (let i = 0; i < 10; i++) {
      now += 600; // two failures fall in any 1 s window, never three
      ref.tell({ type: 'fail', error: `rare ${i}` });
      expect(await ref.ask({ type: 'get' })).toBe(0);
    }
    const sample = await scrape(metrics);
    expect(sample('hearth_actor_restarts_total', 'counter')).toBe(10);
    expect(sample('hearth_actor_escalations_total', 'counter')).toBe(0);
  });

  it("hands top-level escalations to the system's handler, which may restart the actor", async () => {
    const seen: string[] = [];
    const { system } = testSystem(
      { restart: { maxRestarts: 0, windowMs: 60_000 } },
      {
        onEscalation: (failure) => {
          seen.push(`${failure.kind}/${failure.id}: ${(failure.cause as Error).message}`);
          failure.restart();
        },
      },
    );
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'add', n: 1, tag: 'one' });
    ref.tell({ type: 'fail', error: 'gave up' });
    ref.tell({ type: 'add', n: 1, tag: 'two' });
    await until(() => recorder.handled.get('a')?.length === 2);
    expect(seen).toEqual(['counter/a: gave up']);
    expect(recorder.handled.get('a')).toEqual(['one', 'two']);
  });

  it('rejects an ask that times out while the actor restarts, and does not act on it afterwards', async () => {
    const { system } = testSystem({ restart: { backoffInitialMs: 150, backoffMaxMs: 150 } });
    const { kind, recorder } = counterKind();
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'fail', error: 'crash' });
    const impatient = ref.ask({ type: 'add', n: 100, tag: 'impatient' }, { timeoutMs: 30 });
    const patient = ref.ask({ type: 'add', n: 1, tag: 'patient' }, { timeoutMs: 5000 });
    await expect(impatient).rejects.toMatchObject({ code: 'ASK_TIMEOUT' });
    expect(await patient).toBe(1);
    expect(recorder.handled.get('a')).toEqual(['patient']);
  });

  it('retries a start that failed (onStart or the snapshot store), keeping the messages that wait', async () => {
    let failures = 2;
    const { system } = testSystem();
    const { kind, recorder } = counterKind({
      onStart: () => {
        if (failures-- > 0) throw new Error('store not ready');
      },
    });
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'add', n: 1, tag: 'queued' });
    expect(await ref.ask({ type: 'get' })).toBe(1);
    expect(recorder.handled.get('a')).toEqual(['queued']);
    expect(recorder.events.filter((e) => e === 'a:start')).toHaveLength(3);
  });

  it('goes on after a supervision strategy that throws (restarting), and names the kind in the log', async () => {
    const { system, lines } = testSystem();
    const { kind } = counterKind({
      supervision: {
        decide: () => {
          throw new Error('bad strategy');
        },
      },
    });
    const ref = system.spawn(kind, 'a');
    ref.tell({ type: 'fail', error: 'x' });
    expect(await ref.ask({ type: 'add', n: 1 })).toBe(1);
    expect(lines.some((line) => line.msg === 'supervision strategy of counter threw; restarting a')).toBe(true);
  });
});

describe('rejections', () => {
  it("fails the ask with the error itself for a kind's rejections, without supervision or a failure count", async () => {
    const { system, lines } = testSystem();
    const { kind, recorder } = counterKind();
    const refusing = { ...kind, isRejection: (error: unknown) => error instanceof Error && error.message.startsWith('invalid') };
    const ref = system.spawn(refusing, 'a');
    ref.tell({ type: 'add', n: 1 });
    await expect(ref.ask({ type: 'fail', error: 'invalid brightness' })).rejects.toThrow('invalid brightness');
    expect(await ref.ask({ type: 'get' })).toBe(1); // same incarnation, state kept
    expect(recorder.events.filter((e) => e === 'a:start')).toHaveLength(1);
    expect(system.statsOf('counter')).toMatchObject({ failures: 0, rejections: 1 });
    expect(lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
    // anything else is still a failure
    ref.tell({ type: 'fail', error: 'crash' });
    expect(await ref.ask({ type: 'get' })).toBe(0);
    expect(system.statsOf('counter').failures).toBe(1);
  });
});
