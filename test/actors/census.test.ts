/**
 * The actor counts follow the actors' states: an actor is live (it has an incarnation, or one is
 * being built or ended) or dormant (registered, no incarnation: passivated, quarantined after an
 * escalation, or never started), and an actor that stopped or was removed is neither. One walk
 * through every way in and out, with the gauges and the registry checked at each step.
 */
import { describe, expect, it } from 'vitest';
import { counterKind, scrape, testSystem, until } from './support.js';

describe('actor counts', () => {
  it('counts live and dormant actors through activation, passivation, quarantine, stop and removal', async () => {
    const { system, metrics } = testSystem({ restart: { maxRestarts: 0, windowMs: 60_000 } });
    const stopping = counterKind({ name: 'counter', supervision: { decide: () => 'stop' } });
    const { kind } = counterKind();
    const counts = async (): Promise<[number | undefined, number | undefined, number]> => {
      const sample = await scrape(metrics);
      return [sample('hearth_actors_active', 'counter'), sample('hearth_actors_passivated', 'counter'), system.activeCount];
    };

    system.register(kind, 'dormant-from-start');
    system.spawn(kind, 'passivated');
    system.spawn(kind, 'escalating');
    system.spawn(stopping.kind, 'stopping');
    system.spawn(kind, 'removed-live');
    await system.ask('removed-live', { type: 'get' });
    expect(await counts()).toEqual([4, 1, 4]);

    expect(await system.passivate('passivated')).toBe(true);
    expect(await counts()).toEqual([3, 2, 3]);

    // an escalation at the top quarantines the actor: dormant, still registered
    system.tell('escalating', { type: 'fail', error: 'budget is zero' });
    await until(() => !system.isActive('escalating'));
    expect(system.has('escalating')).toBe(true);
    expect(await counts()).toEqual([2, 3, 2]);

    // the stop directive removes the actor: neither live nor dormant, gone from the registry
    system.tell('stopping', { type: 'fail', error: 'fatal' });
    await until(() => !system.has('stopping'));
    expect(await counts()).toEqual([1, 3, 1]);

    await system.remove('removed-live');
    await system.remove('dormant-from-start');
    expect([system.has('removed-live'), system.has('dormant-from-start')]).toEqual([false, false]);
    expect(await counts()).toEqual([0, 2, 0]);

    // a dormant actor's next message makes it live again
    expect(await system.ask('escalating', { type: 'add', n: 1 })).toBe(1);
    expect(await counts()).toEqual([1, 1, 1]);
    await system.shutdown();
    expect(await counts()).toEqual([0, 1, 0]);
    expect(system.size).toBe(1);
  });
});
