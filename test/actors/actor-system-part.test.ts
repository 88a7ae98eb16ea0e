import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { ActorSystemPart } from '../../src/actors/actor-system-part.js';
import { InMemorySnapshotStore } from '../../src/actors/snapshot-store.js';
import { configSchema } from '../../src/config/schema.js';
import { capturingLog, counterKind, scrape } from './support.js';

describe('the actor system as a hub part', () => {
  it('takes its settings from the actors config, reports health and metrics, and saves every actor on stop', async () => {
    const config = configSchema.parse({ actors: { maxActive: 2, mailboxCapacity: 1 } });
    const metrics = new Registry();
    const store = new InMemorySnapshotStore();
    const part = new ActorSystemPart(config.actors, capturingLog().log, metrics, store);
    expect(part.health()).toEqual({ status: 'stopped' });
    await part.start();
    const { kind } = counterKind();
    for (const id of ['a', 'b', 'c']) await part.system.spawn(kind, id).ask({ type: 'add', n: 1 });
    expect(part.system.config.maxActive).toBe(2);
    expect(part.system.config.mailboxCapacity).toBe(1);
    await vi.waitFor(() => expect(part.health()).toMatchObject({ status: 'ok', registered: 3, active: 2, failures: 0 }));
    const sample = await scrape(metrics);
    expect(sample('hearth_actors_active', 'counter')).toBe(2);
    expect(sample('hearth_actors_passivated', 'counter')).toBe(1);
    expect(sample('hearth_actor_messages_total', 'counter')).toBe(3);
    await part.stop();
    expect(part.health()).toEqual({ status: 'stopped' });
    for (const id of ['a', 'b', 'c']) expect(await store.load('counter', id)).toEqual({ total: 1 });
  });
});
