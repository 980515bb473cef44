/**
 * Rounds the estimate averages over. Evaluation rounds take longer than the others; ten recent
 * rounds hold a fair share of them for the usual `evaluation.every` (1, 2, 5, 10) while still
 * following a run that speeds up or slows down.
 */
export const ETA_WINDOW_ROUNDS = 10;

/**
 * Milliseconds a run still needs: the mean wall time of its recent rounds times the rounds left.
 * Undefined before any round is measured.
 */
export function remainingMs(recentRoundMs: readonly number[], roundsLeft: number): number | undefined {
  if (recentRoundMs.length === 0) return undefined;
  const meanMs = recentRoundMs.reduce((sum, ms) => sum + ms, 0) / recentRoundMs.length;
  return meanMs * Math.max(0, roundsLeft);
}

/**
 * Measures a run's rounds as they finish. Only rounds seen in this process count, so a resumed run
 * is not estimated from rounds run before it stopped, nor from the time since round 0.
 */
export class RoundTimer {
  private readonly startedAt: number;
  private lastRoundAt: number;
  private readonly recentRoundMs: number[] = [];

  /** @param now a monotonic clock in milliseconds. */
  constructor(private readonly now: () => number) {
    this.startedAt = now();
    this.lastRoundAt = this.startedAt;
  }

  /** Records that a round has just finished. */
  roundFinished(): void {
    const at = this.now();
    this.recentRoundMs.push(at - this.lastRoundAt);
    if (this.recentRoundMs.length > ETA_WINDOW_ROUNDS) this.recentRoundMs.shift();
    this.lastRoundAt = at;
  }

  /** See {@link remainingMs}. */
  remainingMs(roundsLeft: number): number | undefined {
    return remainingMs(this.recentRoundMs, roundsLeft);
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }
}
