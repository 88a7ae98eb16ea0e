/** The suite's time summary (scripts/suite-times.ts) over a made-up vitest JSON report: totals, files at once, slowest first. */
import { describe, expect, it } from 'vitest';
import { summariseSuite, type VitestReport } from '../../scripts/suite-times.js';

const file = (name: string, startTime: number, endTime: number, durations: number[], status = 'passed') => ({
  name: `/repo/${name}`,
  startTime,
  endTime,
  assertionResults: durations.map((duration, n) => ({ title: `${name} ${n}`, duration, status })),
});

describe('the suite time summary', () => {
  it('sums the files, counts how long n ran at once, and lists the slowest first', () => {
    // two workers: a runs 0–10 s, b 0–4 s, then c 4–6 s on b's worker (handed over at 4 s), nothing 10–12 s, then d 12–13 s
    const report: VitestReport = {
      testResults: [
        file('a.test.ts', 0, 10_000, [6000, 3900]),
        file('b.test.ts', 0, 4000, [4000]),
        file('c.test.ts', 4000, 6000, [1500, 400], 'failed'),
        file('d.test.ts', 12_000, 13_000, [900]),
      ],
    };
    const times = summariseSuite(report, '/repo');
    expect(times.wallMs).toBe(13_000);
    expect(times.sumMs).toBe(17_000);
    expect(Object.fromEntries(times.atOnceMs)).toEqual({ 0: 2000, 1: 5000, 2: 6000 });
    expect(times.files.map((f) => f.name)).toEqual(['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts']);
    expect(times.files[0]).toEqual({ name: 'a.test.ts', startMs: 0, ms: 10_000, tests: 2, slowestTestMs: 6000 });
    expect(times.files[3]?.startMs).toBe(12_000);
    expect(times.tests.map((t) => t.ms)).toEqual([6000, 4000, 3900, 1500, 900, 400]);
    expect(times.tests.filter((t) => t.status === 'failed').map((t) => t.title)).toEqual(['c.test.ts 0', 'c.test.ts 1']);
  });
});
