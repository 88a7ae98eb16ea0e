/**
 * Where the suite's time goes, from vitest's JSON report:
 *
 *   npx vitest run --reporter=json --outputFile=/tmp/suite-times.json --reporter=default
 *   npx tsx scripts/suite-times.ts /tmp/suite-times.json [count]
 *
 * Prints the wall time from the first file's start to the last one's end, the sum of the files'
 * durations, how long 0, 1, 2, … files ran at once (a suite whose workers are all busy lasts
 * about the sum divided by the workers: then only shorter files or more overlap help), and the
 * slowest files (with their number of tests and their slowest test) and tests. Read-only; the
 * last line is a JSON object of the totals, for comparing runs.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of vitest's JSON report read here. */
export interface VitestReport {
  testResults: {
    name: string;
    startTime: number;
    endTime: number;
    assertionResults: { title: string; duration?: number | null; status: string }[];
  }[];
}

export interface SuiteTimes {
  wallMs: number;
  sumMs: number;
  /** Milliseconds during which n files ran at once, by n. */
  atOnceMs: Map<number, number>;
  /** Slowest first. */
  files: { name: string; startMs: number; ms: number; tests: number; slowestTestMs: number }[];
  /** Slowest first. */
  tests: { file: string; title: string; ms: number; status: string }[];
}

export function summariseSuite(report: VitestReport, root = process.cwd()): SuiteTimes {
  const first = Math.min(...report.testResults.map((file) => file.startTime));
  const last = Math.max(...report.testResults.map((file) => file.endTime));
  const files = report.testResults.map((file) => ({
    name: relative(root, file.name),
    startMs: file.startTime - first,
    ms: file.endTime - file.startTime,
    tests: file.assertionResults.length,
    slowestTestMs: Math.max(0, ...file.assertionResults.map((test) => test.duration ?? 0)),
  }));
  const edges = report.testResults.flatMap((file) => [
    { at: file.startTime, step: 1 },
    { at: file.endTime, step: -1 },
  ]);
  // an end before a start at the same moment: a worker handing over to its next file is not two at once
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  const atOnceMs = new Map<number, number>();
  let running = 0;
  let since = first;
  for (const edge of edges) {
    if (edge.at > since) atOnceMs.set(running, (atOnceMs.get(running) ?? 0) + edge.at - since);
    running += edge.step;
    since = edge.at;
  }
  const tests = report.testResults.flatMap((file) =>
    file.assertionResults.map((test) => ({
      file: relative(root, file.name),
      title: test.title,
      ms: test.duration ?? 0,
      status: test.status,
    })),
  );
  return {
    wallMs: last - first,
    sumMs: files.reduce((total, file) => total + file.ms, 0),
    atOnceMs,
    files: files.sort((a, b) => b.ms - a.ms),
    tests: tests.sort((a, b) => b.ms - a.ms),
  };
}

function print(times: SuiteTimes, count: number): void {
  const s = (ms: number): string => (ms / 1000).toFixed(1).padStart(6);
  console.log(`wall ${s(times.wallMs)} s, sum of file durations ${s(times.sumMs)} s, ${times.files.length} files`);
  const atOnce = [...times.atOnceMs.entries()].sort(([a], [b]) => a - b);
  console.log(`files at once: ${atOnce.map(([n, ms]) => `${n}: ${(ms / 1000).toFixed(0)} s`).join(', ')}`);
  console.log('\nslowest files (s, started at s, tests, slowest test s):');
  for (const file of times.files.slice(0, count))
    console.log(`${s(file.ms)} ${s(file.startMs)} ${String(file.tests).padStart(3)} ${s(file.slowestTestMs)}  ${file.name}`);
  console.log('\nslowest tests (s):');
  for (const test of times.tests.slice(0, count)) console.log(`${s(test.ms)}  ${test.file} › ${test.title.slice(0, 100)}`);
  const failed = times.tests.filter((test) => test.status === 'failed').length;
  const totals = { wallS: times.wallMs / 1000, sumS: times.sumMs / 1000, files: times.files.length, tests: times.tests.length, failed };
  console.log(JSON.stringify(totals));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [reportPath, count] = process.argv.slice(2);
  if (reportPath === undefined) {
    console.error('usage: tsx scripts/suite-times.ts <vitest JSON report> [count]');
    process.exit(2);
  }
  print(summariseSuite(JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport), Number(count ?? '20'));
}
