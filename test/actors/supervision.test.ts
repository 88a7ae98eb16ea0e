import { describe, expect, it } from 'vitest';
import { backoffDelay, RestartBudget } from '../../src/actors/supervision.js';

describe('backoff', () => {
  const options = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

  it('grows by the factor per attempt up to the bound', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(options, attempt, none))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws up to the jitter fraction off the delay', () => {
    expect(backoffDelay(options, 2, () => 0.999)).toBe(200);
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(options, 1);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });
});

describe('RestartBudget', () => {
  it('allows maxRestarts within the window and refuses one more', () => {
    const budget = new RestartBudget({ maxRestarts: 3, windowMs: 1000 });
    expect([0, 10, 20].map((t) => budget.tryTake(t))).toEqual([true, true, true]);
    expect(budget.tryTake(30)).toBe(false);
    expect(budget.used(30)).toBe(3);
  });

  it('refills as the window slides, so an actor that fails once a week lives forever', () => {
    const budget = new RestartBudget({ maxRestarts: 5, windowMs: 60_000 });
    const week = 7 * 24 * 3600_000;
    for (let failure = 0; failure < 520; failure++) expect(budget.tryTake(failure * week)).toBe(true);
    // a burst is still caught
    const now = 600 * week;
    for (let i = 0; i < 5; i++) expect(budget.tryTake(now + i)).toBe(true);
    expect(budget.tryTake(now + 5)).toBe(false);
    expect(budget.tryTake(now + 60_001)).toBe(true);
  });
});
