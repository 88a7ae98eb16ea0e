/** The coalescer on a fake clock: one run per quiet burst, and at the latest after its longest wait. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from '../../src/uplink/coalescer.js';

describe('Coalescer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('runs once a burst has been quiet for quietMs', () => {
    const task = vi.fn();
    const coalescer = new Coalescer({ quietMs: 200, maxWaitMs: 2000 }, task);
    for (let i = 0; i < 21; i++) {
      coalescer.request();
      vi.advanceTimersByTime(50);
    }
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(149);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    expect(coalescer.pending).toBe(false);
    coalescer.request();
    vi.advanceTimersByTime(200);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('runs maxWaitMs after the first request of a burst that never pauses, then starts a new burst', () => {
    const task = vi.fn();
    const coalescer = new Coalescer({ quietMs: 200, maxWaitMs: 1000 }, task);
    for (let t = 0; t < 1000; t += 100) {
      coalescer.request();
      vi.advanceTimersByTime(100);
    }
    expect(task).toHaveBeenCalledTimes(1);
    coalescer.request();
    vi.advanceTimersByTime(199);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('runs what is pending on flush, and nothing on cancel or when nothing is', () => {
    const task = vi.fn();
    const coalescer = new Coalescer({ quietMs: 200, maxWaitMs: 1000 }, task);
    coalescer.flush();
    expect(task).not.toHaveBeenCalled();
    coalescer.request();
    coalescer.flush();
    expect(task).toHaveBeenCalledTimes(1);
    coalescer.request();
    coalescer.cancel();
    vi.advanceTimersByTime(5000);
    expect(task).toHaveBeenCalledTimes(1);
    expect(coalescer.runs).toBe(1);
  });

  it('while held runs nothing however long the burst, then once after a quiet wait from the release', () => {
    const task = vi.fn();
    const coalescer = new Coalescer({ quietMs: 200, maxWaitMs: 2000 }, task);
    coalescer.request();
    vi.advanceTimersByTime(100);
    coalescer.hold(); // a run already waiting waits too
    for (let t = 0; t < 10_000; t += 500) {
      coalescer.request();
      vi.advanceTimersByTime(500);
    }
    expect(task).not.toHaveBeenCalled();
    expect(coalescer.pending).toBe(true);
    coalescer.release();
    vi.advanceTimersByTime(199);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    // a hold with nothing requested runs nothing at its release; a flush runs what a hold keeps
    coalescer.hold();
    coalescer.release();
    vi.advanceTimersByTime(5000);
    expect(task).toHaveBeenCalledTimes(1);
    coalescer.hold();
    coalescer.request();
    coalescer.flush();
    expect(task).toHaveBeenCalledTimes(2);
    expect(coalescer.pending).toBe(false);
  });

  it('held by two holders runs once both have released, not at the first release', () => {
    const task = vi.fn();
    const coalescer = new Coalescer({ quietMs: 200, maxWaitMs: 2000 }, task);
    coalescer.hold('connection');
    coalescer.hold('radios');
    coalescer.request();
    coalescer.release('connection');
    coalescer.release('connection'); // a second release of the same holder changes nothing
    vi.advanceTimersByTime(5000);
    expect(task).not.toHaveBeenCalled();
    coalescer.release('radios');
    vi.advanceTimersByTime(200);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
