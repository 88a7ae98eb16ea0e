/**
 * Click detection on vitest's fake timers: single after the double-click window, double on a
 * second press inside it, long while still held and nothing on its release.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClickDetector, type ButtonAction } from '../../../src/radios/gpio/click-detector.js';

const timings = { doubleClickMs: 300, longPressMs: 1000 };

function detector() {
  const actions: ButtonAction[] = [];
  const clicks = new ClickDetector(timings, (action) => actions.push(action));
  const press = (heldMs: number): void => {
    clicks.level(true);
    vi.advanceTimersByTime(heldMs);
    clicks.level(false);
  };
  return { clicks, actions, press };
}

describe('ClickDetector on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports single only once the double-click window has passed', () => {
    const { actions, press } = detector();
    press(50);
    vi.advanceTimersByTime(timings.doubleClickMs - 1);
    expect(actions).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(actions).toEqual(['single']);
  });

  it('reports double for a second press inside the window, and no single after it', () => {
    const { actions, press } = detector();
    press(50);
    vi.advanceTimersByTime(timings.doubleClickMs - 10);
    press(50);
    expect(actions).toEqual(['double']);
    vi.advanceTimersByTime(10 * timings.doubleClickMs);
    expect(actions).toEqual(['double']);
  });

  it('two presses further apart than the window are two singles', () => {
    const { actions, press } = detector();
    press(50);
    vi.advanceTimersByTime(timings.doubleClickMs);
    press(50);
    vi.advanceTimersByTime(timings.doubleClickMs);
    expect(actions).toEqual(['single', 'single']);
  });

  it('reports long while still held at longPressMs, and nothing on its release', () => {
    const { clicks, actions } = detector();
    clicks.level(true);
    vi.advanceTimersByTime(timings.longPressMs - 1);
    expect(actions).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(actions).toEqual(['long']);
    clicks.level(false);
    vi.advanceTimersByTime(10 * timings.doubleClickMs);
    expect(actions).toEqual(['long']);
  });

  it('ignores a repeated level, takes the start level without an action, and fires nothing after stop', () => {
    const { clicks, actions } = detector();
    clicks.sync(true);
    clicks.level(true);
    vi.advanceTimersByTime(2 * timings.longPressMs);
    expect(actions).toEqual([]);
    clicks.level(false);
    clicks.level(false);
    clicks.stop();
    vi.advanceTimersByTime(10 * timings.doubleClickMs);
    expect(actions).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
