/**
 * When a journal commits: the pace of group commits, adapted to load within a bound. Every
 * commit rewrites at least one flash page (a partly filled page is written again in full), so on
 * an SD card the number of commits, not the bytes in them, is what wears it. Records that begin
 * pending gather for `minDelayMs` while commits are rare (a quiet hub acknowledges at once: a
 * few quick commits are allowed in a row); under steady load commits are spaced up to
 * `maxLossMs` apart, never more: a record is written, and synced, within `maxLossMs` of
 * arriving (time for the write, the sync and a late timer kept in reserve), which is what a power
 * cut may lose.
 * With `maxLossMs` at or below `minDelayMs` every batch gathers for `maxLossMs`.
 */

/** Quick commits allowed in a row after a quiet spell. */
const BURST = 4;

export interface CommitPacerOptions {
  /** The shortest gathering time (`store.journalBatchMs`). */
  minDelayMs: number;
  /** The longest time from a record's arrival to its sync (`store.maxLossMs`). */
  maxLossMs: number;
  now?: () => number;
}

export class CommitPacer {
  private readonly now: () => number;
  /** Quick commits available (refilled at one per `maxLossMs`, up to BURST). */
  private tokens = BURST;
  private refilledAt: number;
  /** How long recent commits' writes and syncs took (the longest, decaying). */
  private recentCommitMs = 0;

  constructor(private readonly options: CommitPacerOptions) {
    this.now = options.now ?? Date.now;
    this.refilledAt = this.now();
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    if (this.options.maxLossMs > 0) this.tokens = Math.min(BURST, this.tokens + elapsed / this.options.maxLossMs);
  }

  /** How long records that begin pending now may gather before their commit. */
  delay(): number {
    const { minDelayMs, maxLossMs } = this.options;
    if (maxLossMs <= minDelayMs) return maxLossMs;
    this.refill();
    const paced = this.tokens >= 1 ? minDelayMs : Math.max(minDelayMs, (1 - this.tokens) * maxLossMs);
    // the bound wins: the write and its sync end within maxLossMs of the first record's arrival
    return Math.max(0, Math.min(paced, this.latest()));
  }

  /** How long until a record holding data that arrived at `arrivedAt` must be committed. */
  until(arrivedAt: number): number {
    const { minDelayMs, maxLossMs } = this.options;
    const latest = maxLossMs <= minDelayMs ? maxLossMs : this.latest();
    return Math.max(0, arrivedAt + latest - this.now());
  }

  /**
   * The longest a batch may gather: the bound less a reserve for its write, its sync and a late
   * timer (twice the longest recent commit, at least a tenth of the bound, at most half).
   */
  private latest(): number {
    const { maxLossMs } = this.options;
    return maxLossMs - Math.min(maxLossMs / 2, Math.max(maxLossMs / 10, 2 * this.recentCommitMs));
  }

  /** A commit begins (records that arrive from now on are paced after it). */
  committing(): void {
    this.refill();
    this.tokens = Math.max(0, this.tokens - 1);
  }

  /** The commit was written and synced, taking `durationMs`. */
  committed(durationMs: number): void {
    this.recentCommitMs = Math.max(durationMs, this.recentCommitMs * 0.9);
  }
}
