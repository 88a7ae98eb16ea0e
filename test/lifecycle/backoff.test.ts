import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/lifecycle/backoff.js';

// the one backoff of the hub: actor restarts, radio restarts, breaker probes, broker reconnects
describe('backoff', () => {
  it('doubles per attempt up to the bound', () => {
    const none = () => 1;
    expect([0, 1, 2, 3, 4, 10, 1000].map((attempt) => backoffDelay(100, 1000, attempt, none))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('draws the delay from its upper half, never above it', () => {
    expect(backoffDelay(100, 1000, 2, () => 0)).toBe(200);
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(100, 1000, 1);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });
});
