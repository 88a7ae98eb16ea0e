/**
 * The payload bounds at their edges: 16 levels and 1,000 entries pass, one more does not; a
 * payload nested 100,000 deep is measured without recursion; a transaction is echoed only
 * when small.
 */
import { describe, expect, it } from 'vitest';
import {
  echoableTransaction,
  fittedAnswer,
  MAX_ERROR_ANSWER_BYTES,
  MAX_PAYLOAD_DEPTH,
  MAX_PAYLOAD_ENTRIES,
  payloadShapeProblem,
} from '../../src/uplink/payload-bounds.js';
import { boundedText, listedProblems, preview } from '../../src/bounded-text.js';

const nested = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

describe('payload bounds', () => {
  it('lets 16 levels and 1,000 entries through and refuses one more', () => {
    expect(payloadShapeProblem(nested(MAX_PAYLOAD_DEPTH))).toBeUndefined();
    expect(payloadShapeProblem(nested(MAX_PAYLOAD_DEPTH + 1))).toMatch(/nested deeper than 16/);
    expect(payloadShapeProblem(JSON.parse(`[${'['.repeat(15)}${']'.repeat(15)}]`))).toBeUndefined();
    const entries = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, [i]]));
    // each key and its one-item list count: 500 keys with a list each are 1,000 entries
    expect(payloadShapeProblem(entries(MAX_PAYLOAD_ENTRIES / 2))).toBeUndefined();
    expect(payloadShapeProblem({ ...entries(MAX_PAYLOAD_ENTRIES / 2), extra: 1 })).toMatch(/more than 1000 keys/);
    for (const scalar of [null, 1, 'x', true, undefined]) expect(payloadShapeProblem(scalar)).toBeUndefined();
  });

  it('measures a payload nested 100,000 deep without overflowing the stack', () => {
    expect(payloadShapeProblem(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toMatch(/nested deeper/);
  });

  it('echoes small transactions only and keeps texts short', () => {
    expect(echoableTransaction('a1')).toBe('a1');
    expect(echoableTransaction({ id: 7 })).toEqual({ id: 7 });
    expect(echoableTransaction('x'.repeat(300))).toBeUndefined();
    expect(echoableTransaction(nested(10))).toBeUndefined();
    expect(boundedText('abcdef', 3)).toBe('abc… (3 more characters)');
    expect(preview('y'.repeat(100))).toMatch(/… \(102 characters\)$/);
    expect(listedProblems(['a', 'b'])).toBe('a; b');
    expect(listedProblems(Array.from({ length: 7 }, (_, i) => `p${i}`))).toBe('p0; p1; p2; p3; p4; and 2 more (7 problems in all)');
  });

  it('fits an error answer of control characters and emoji into 4 KB as published', () => {
    for (const unit of ['\u0001', '😀', '"\\']) {
      const answer = fittedAnswer(unit.repeat(2000), (message) => JSON.stringify({ status: 'error', error: { code: 'X', message } }));
      expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(MAX_ERROR_ANSWER_BYTES);
      expect(answer).toContain('more characters');
    }
    expect(fittedAnswer('short', (message) => message)).toBe('short');
  });
});
