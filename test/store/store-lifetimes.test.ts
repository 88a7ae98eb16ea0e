/**
 * Property: whatever the device state store acknowledged is there after every restart, over
 * random sequences of reports, compactions, clean stops and SIGKILLs of a real child process
 * (fixtures/store-lifetime.ts), so every sequence spans several process lifetimes. Values only
 * grow, so "there" means: at least the last acknowledged value (a later one, written but not yet
 * acknowledged when the kill came, is fine); after a clean stop, exactly the last one sent.
 * Every sequence is 2-4 lives. The seed is fixed, so a failure reproduces; the counts are
 * small to keep CI quick.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineChild } from '../support/line-child.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const DEVICES = 3;
const lifetime = fileURLToPath(new URL('fixtures/store-lifetime.ts', import.meta.url));
const ids = Array.from({ length: DEVICES }, (_, i) => `zigbee:0x${i.toString(16).padStart(16, '0')}`);

type Step =
  | { kind: 'report'; device: number; count: number; awaitAcks: boolean }
  | { kind: 'compact' }
  | { kind: 'clean-restart' }
  | { kind: 'kill-restart' };

const work: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      device: fc.nat(DEVICES - 1),
      count: fc.integer({ min: 1, max: 4 }),
      awaitAcks: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);
/** A life: some reports and compactions, then its end, a clean stop or a SIGKILL, and the next start. */
const life: fc.Arbitrary<Step[]> = fc
  .tuple(fc.array(work, { minLength: 1, maxLength: 3 }), fc.constantFrom<Step>({ kind: 'clean-restart' }, { kind: 'kill-restart' }))
  .map(([steps, end]) => [...steps, end]);

/** One life of the store; its recovered values, and what it acknowledges as it goes. */
class Life {
  readonly recovered = new Map<string, number | undefined>();
  readonly acked = new Map<string, number>();
  compactions = 0;
  stopped = false;
  readonly child: LineChild;

  constructor(dir: string) {
    this.child = new LineChild(
      lifetime,
      [dir, String(DEVICES)],
      (line) => {
        const [what, id, value] = line.split(' ') as [string, string, string];
        if (what === 'state') this.recovered.set(id, value === 'none' ? undefined : Number(value));
        else if (what === 'ack') this.acked.set(id, Math.max(this.acked.get(id) ?? 0, Number(value)));
        else if (what === 'compacted') this.compactions++;
        else if (what === 'stopped') this.stopped = true;
      },
      { commands: true },
    );
  }
}

/** Runs the steps on a fresh directory; returns what went missing (empty: nothing). */
async function run(steps: Step[]): Promise<string[]> {
  const dir = await tempDir();
  const lastAcked = new Map<string, number>();
  const lastSent = new Map<string, number>();
  const problems: string[] = [];
  let value = 0;
  let life = new Life(dir);
  await life.child.ready();
  const check = (how: 'clean' | 'kill', index: number): void => {
    for (const id of ids) {
      const recovered = life.recovered.get(id);
      const acked = lastAcked.get(id);
      const sent = lastSent.get(id);
      const ok =
        how === 'clean'
          ? recovered === sent
          : acked === undefined || (recovered !== undefined && recovered >= acked && recovered <= (sent ?? 0));
      if (!ok)
        problems.push(
          `after step ${index} (${how} restart) ${id}: acknowledged ${String(acked)}, last sent ${String(sent)}, recovered ${String(recovered)}`,
        );
    }
  };
  const absorb = (): void => {
    for (const [id, v] of life.acked) lastAcked.set(id, Math.max(lastAcked.get(id) ?? 0, v));
  };
  try {
    for (const [index, s] of steps.entries()) {
      if (s.kind === 'report') {
        const id = ids[s.device] as string;
        for (let n = 0; n < s.count; n++) {
          value++;
          lastSent.set(id, value);
          life.child.send(`r ${id} ${value}`);
        }
        const target = value;
        if (s.awaitAcks) await until(() => (life.acked.get(id) ?? 0) >= target, 10_000, `the ack of ${id} ${target}`);
      } else if (s.kind === 'compact') {
        const before = life.compactions;
        life.child.send('c');
        await until(() => life.compactions > before, 10_000, 'a compaction');
      } else {
        if (s.kind === 'clean-restart') {
          life.child.send('stop');
          await life.child.exited;
          if (!life.stopped) problems.push(`step ${index}: the clean stop did not finish`);
        } else {
          await life.child.kill();
        }
        absorb();
        life = new Life(dir);
        await life.child.ready();
        check(s.kind === 'clean-restart' ? 'clean' : 'kill', index);
        // a kill may leave reports that were written but not acknowledged: they count as sent
        for (const id of ids) {
          const recovered = life.recovered.get(id);
          if (recovered !== undefined) lastSent.set(id, recovered);
        }
      }
    }
  } finally {
    await life.child.kill();
  }
  return problems;
}

describe('device state store across process lifetimes', () => {
  it('keeps every acknowledged state through random reports, compactions, clean stops and SIGKILLs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(life, { minLength: 2, maxLength: 4 }), async (lives) => {
        const steps = lives.flat();
        const problems = await run(steps);
        expect(problems, JSON.stringify(steps)).toEqual([]);
      }),
      { numRuns: 3, seed: 1612, endOnFailure: true },
    );
  }, 120_000);
});
