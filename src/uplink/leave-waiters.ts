/**
 * Who waits for the outbox to have let go of every message up to a number (Outbox.leftThrough):
 * kept in number order, woken as the oldest pending message moves past theirs.
 */
export class LeaveWaiters {
  private waiters: { seq: number; resolve: () => void }[] = [];

  /** Resolves once `oldest` (the oldest pending message's number, undefined when none is) is past `seq`. */
  wait(seq: number, oldest: number | undefined): Promise<void> {
    if (oldest === undefined || oldest > seq) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      if ((this.waiters.at(-2)?.seq ?? 0) > seq) this.waiters.sort((a, b) => a.seq - b.seq);
    });
  }

  /** The oldest pending message is now `oldest` (undefined: none): wakes those it is past. */
  wake(oldest: number | undefined): void {
    if (this.waiters.length === 0) return;
    let woken = 0;
    for (const waiter of this.waiters) {
      if (oldest !== undefined && oldest <= waiter.seq) break;
      waiter.resolve();
      woken++;
    }
    if (woken > 0) this.waiters = this.waiters.slice(woken);
  }
}
