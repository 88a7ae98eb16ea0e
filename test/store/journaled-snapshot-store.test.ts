import { describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { JournaledSnapshotStore } from '../../src/store/journaled-snapshot-store.js';
import { capturingLog, counterKind } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';

describe('the durable snapshot store', () => {
  it('keeps a passivated actor\'s state on disk once save resolves, across a crash', async () => {
    const dir = await tempDir();
    const { log } = capturingLog();
    const store = new JournaledSnapshotStore(dir, log, 5);
    await store.start();
    const system = new ActorSystem({ log, store, options: { idleTimeoutMs: 0 } });
    const { kind } = counterKind();
    await system.spawn(kind, 'heater').ask({ type: 'add', n: 21 });
    expect(await system.passivate('heater')).toBe(true);
    // no shutdown, no close: the process dies here
    const after = new JournaledSnapshotStore(dir, log, 5);
    await after.start();
    expect(await after.load('counter', 'heater')).toEqual({ total: 21 });
    const revived = new ActorSystem({ log, store: after, options: { idleTimeoutMs: 0 } });
    revived.register(kind, 'heater');
    expect(await revived.ask('heater', { type: 'get' })).toBe(21);
    await after.delete('counter', 'heater');
    expect(await after.load('counter', 'heater')).toBeUndefined();
    await after.stop();
    expect(after.health()).toEqual({ status: 'stopped' });
  });
});
