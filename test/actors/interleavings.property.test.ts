/**
 * Property: whatever the interleaving of tells, asks, async handlers, failures, explicit and
 * LRU passivation and idle sweeps, every message reaches its actor exactly once and in the
 * order it was sent; under the resume strategy the state (kept across passivations through
 * snapshots) and every ask's reply match a plain model.
 */
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ActorKind } from '../../src/actors/types.js';
import { testSystem, until } from './support.js';

type Message = { seq: number; mode: 'sync' | 'async' | 'fail' } | { seq: number; mode: 'get' };

const ACTORS = ['a', 'b', 'c', 'd'];

const command = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('tell' as const), actor: fc.nat(3), mode: fc.constantFrom('sync' as const, 'async' as const) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('ask' as const),
      actor: fc.nat(3),
      mode: fc.constantFrom('sync' as const, 'async' as const, 'get' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('fail' as const), actor: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('passivate' as const), actor: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('sweep' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('yield' as const), macrotask: fc.boolean() }) },
);

function ledgerKind(delivered: Map<string, number[]>): ActorKind<Message, number, { count: number }> {
  return {
    name: 'ledger',
    create(context, snapshot) {
      let count = snapshot?.count ?? 0;
      return {
        receive(message) {
          if (message.mode === 'get') return count;
          delivered.get(context.id)?.push(message.seq);
          if (message.mode === 'fail') throw new Error(`fail ${message.seq}`);
          if (message.mode === 'sync') return ++count;
          return sleep(0).then(() => ++count);
        },
        onPassivate: () => ({ count }),
      };
    },
  };
}

describe('actor runtime under random interleavings', () => {
  it('loses, duplicates and reorders no message, and keeps state across passivation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 80 }),
        fc.constantFrom('resume' as const, 'restart' as const),
        fc.integer({ min: 1, max: 4 }),
        async (commands, directive, maxActive) => {
          let now = 0;
          const { system } = testSystem(
            {
              maxActive,
              idleTimeoutMs: 5,
              mailboxCapacity: 10_000,
              askTimeoutMs: 500,
              restart: { backoffInitialMs: 0, backoffMaxMs: 1, maxRestarts: 1000, windowMs: 60_000 },
            },
            { now: () => now },
          );
          const delivered = new Map(ACTORS.map((id) => [id, [] as number[]]));
          const sent = new Map(ACTORS.map((id) => [id, [] as number[]]));
          const model = new Map(ACTORS.map((id) => [id, 0]));
          const kind = { ...ledgerKind(delivered), supervision: { decide: () => directive } };
          for (const id of ACTORS) system.register(kind, id);
          const replies: { actor: string; expected: number; reply: Promise<unknown> }[] = [];
          let seq = 0;
          for (const step of commands) {
            now += 1;
            if (step.op === 'yield') {
              await (step.macrotask ? sleep(0) : Promise.resolve());
              continue;
            }
            if (step.op === 'sweep') {
              system.sweep();
              continue;
            }
            const actor = ACTORS[step.actor] as string;
            if (step.op === 'passivate') {
              void system.passivate(actor);
              continue;
            }
            const mode = step.op === 'fail' ? 'fail' : step.mode;
            const message: Message = { seq: ++seq, mode };
            if (mode !== 'get') sent.get(actor)?.push(seq);
            if (mode === 'sync' || mode === 'async') model.set(actor, (model.get(actor) ?? 0) + 1);
            if (step.op === 'ask') {
              replies.push({ actor, expected: model.get(actor) ?? 0, reply: system.ask(actor, message) });
            } else {
              system.tell(actor, message);
            }
          }
          const outcomes = await Promise.allSettled(replies.map((r) => r.reply));
          await until(() => ACTORS.every((id) => delivered.get(id)?.length === sent.get(id)?.length), 500, 'every message delivered');
          for (const id of ACTORS) expect(delivered.get(id)).toEqual(sent.get(id));
          for (const [index, outcome] of outcomes.entries()) {
            expect(outcome.status, `ask ${index} to ${replies[index]?.actor}`).toBe('fulfilled');
            if (directive === 'resume' && outcome.status === 'fulfilled') expect(outcome.value).toBe(replies[index]?.expected);
          }
          if (directive === 'resume') {
            for (const id of ACTORS) expect(await system.ask(id, { seq: 0, mode: 'get' })).toBe(model.get(id));
          }
          expect(system.activeCount).toBeLessThanOrEqual(Math.max(maxActive, ACTORS.length));
          // the counts follow the states: live and dormant recounted from the actors themselves
          const live = ACTORS.filter((id) => system.isActive(id)).length;
          expect(system.activeCount).toBe(live);
          expect(system.statsOf('ledger')).toMatchObject({ active: live, dormant: ACTORS.length - live });
          await system.shutdown();
          expect(system.activeCount).toBe(0);
          expect(system.statsOf('ledger')).toMatchObject({ active: 0, dormant: system.size });
        },
      ),
      // a failure shrinks for at most 45 s, then reports the smallest case found so far
      { numRuns: 150, interruptAfterTimeLimit: 45_000 },
    );
  }, 120_000);
});
