import { describe, expect, it } from 'vitest';
import { RestartBudget } from '../../src/actors/supervision.js';

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
