import { describe, expect, it } from 'vitest';
import { durationText } from '../src/durationText.js';
import { ETA_WINDOW_ROUNDS, remainingMs, RoundTimer } from '../src/roundEta.js';

describe('remainingMs', () => {
  it('is the mean of the recent round times times the rounds left', () => {
    expect(remainingMs([1_000, 3_000], 5)).toBe(10_000);
    expect(remainingMs([2_500], 4)).toBe(10_000);
  });

  it('is unknown before a round is measured, and zero when no round is left', () => {
    expect(remainingMs([], 5)).toBeUndefined();
    expect(remainingMs([1_000], 0)).toBe(0);
    expect(remainingMs([1_000], -1)).toBe(0);
  });
});

describe('RoundTimer', () => {
  /** A clock the test moves by hand. */
  const clock = () => {
    let at = 0;
    return { now: () => at, advance: (ms: number) => (at += ms) };
  };

  it('measures each round from the one before, the first from the start', () => {
    const { now, advance } = clock();
    const timer = new RoundTimer(now);
    expect(timer.remainingMs(3)).toBeUndefined();
    advance(4_000);
    timer.roundFinished();
    advance(2_000);
    timer.roundFinished();
    expect(timer.remainingMs(2)).toBe(6_000);
    expect(timer.elapsedMs()).toBe(6_000);
  });

  it('forgets rounds older than the window, so a run that speeds up is estimated by its recent pace', () => {
    const { now, advance } = clock();
    const timer = new RoundTimer(now);
    advance(60_000);
    timer.roundFinished();
    for (let round = 0; round < ETA_WINDOW_ROUNDS; round++) {
      advance(1_000);
      timer.roundFinished();
    }
    expect(timer.remainingMs(10)).toBe(10_000);
  });
});

describe('durationText', () => {
  it('shows seconds, then minutes and seconds, then hours and minutes', () => {
    expect(durationText(0)).toBe('0s');
    expect(durationText(44_600)).toBe('45s');
    expect(durationText(185_000)).toBe('3m05s');
    expect(durationText(2 * 3_600_000 + 7 * 60_000 + 30_000)).toBe('2h07m');
  });
});
