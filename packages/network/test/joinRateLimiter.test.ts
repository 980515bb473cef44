import { isFedtuneError } from '@fedtune/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JoinRateLimiter, type JoinRateLimitOptions } from '../src/index.js';

/** A limiter on a clock the test moves by hand, so nothing sleeps. */
function limiterAt(options: Omit<JoinRateLimitOptions, 'now'> = {}) {
  let now = 1_000;
  const limiter = new JoinRateLimiter({ ...options, now: () => now });
  return {
    limiter,
    advance: (ms: number) => {
      now += ms;
    },
    /** How many of `count` attempts from `address` right now are allowed. */
    allowedOf: (address: string, count: number) =>
      Array.from({ length: count }, () => limiter.attempt(address)).filter((decision) => decision.allowed).length,
  };
}

describe('JoinRateLimiter', () => {
  it('allows a burst of 10 attempts per address by default, then refuses with the wait', () => {
    const { limiter, allowedOf } = limiterAt();
    expect(allowedOf('10.0.0.1', 10)).toBe(10);
    // 10 per 10 s: the next attempt's allowance is one second away.
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 1_000 });
  });

  it('refills at attempts per interval, never above the burst', () => {
    const { limiter, advance, allowedOf } = limiterAt({ attempts: 4, intervalMs: 2_000 });
    expect(allowedOf('a', 5)).toBe(4);
    advance(499);
    expect(limiter.attempt('a')).toEqual({ allowed: false, retryAfterMs: 1 });
    advance(1);
    expect(allowedOf('a', 2)).toBe(1);
    advance(1_000);
    expect(allowedOf('a', 3)).toBe(2);
    // A long quiet spell fills the bucket to the burst, not beyond.
    advance(60_000);
    expect(allowedOf('a', 10)).toBe(4);
  });

  it('counts refused attempts against nothing: the wait shrinks as time passes', () => {
    const { limiter, advance, allowedOf } = limiterAt({ attempts: 1, intervalMs: 10_000 });
    expect(allowedOf('a', 1)).toBe(1);
    expect(limiter.attempt('a')).toEqual({ allowed: false, retryAfterMs: 10_000 });
    advance(7_500);
    expect(limiter.attempt('a')).toEqual({ allowed: false, retryAfterMs: 2_500 });
    advance(2_500);
    expect(limiter.attempt('a')).toEqual({ allowed: true });
  });

  it('keeps each address to its own allowance', () => {
    const { allowedOf } = limiterAt({ attempts: 3 });
    expect(allowedOf('10.0.0.1', 5)).toBe(3);
    expect(allowedOf('10.0.0.2', 5)).toBe(3);
    expect(allowedOf('::1', 1)).toBe(1);
    expect(allowedOf('10.0.0.1', 1)).toBe(0);
  });

  it('ignores a clock that steps back', () => {
    const { advance, allowedOf } = limiterAt({ attempts: 2 });
    expect(allowedOf('a', 2)).toBe(2);
    advance(-5_000);
    expect(allowedOf('a', 1)).toBe(0);
  });

  it('remembers at most maxAddresses, forgetting the one whose last attempt is oldest', () => {
    const { limiter, advance, allowedOf } = limiterAt({ attempts: 1, maxAddresses: 3 });
    for (const address of ['a', 'b', 'c']) {
      expect(allowedOf(address, 1)).toBe(1);
      advance(1);
    }
    expect(allowedOf('a', 1)).toBe(0); // a is now the most recent; b the stalest
    expect(allowedOf('d', 1)).toBe(1);
    expect(limiter.trackedAddresses).toBe(3);
    expect(allowedOf('a', 1)).toBe(0); // still remembered
    expect(allowedOf('c', 1)).toBe(0); // still remembered
    expect(allowedOf('b', 1)).toBe(1); // forgotten, so it starts full again
  });

  it('stays within maxAddresses under a flood of distinct addresses', () => {
    const { limiter, allowedOf } = limiterAt({ maxAddresses: 100 });
    for (let index = 0; index < 10_000; index++) allowedOf(`10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`, 1);
    expect(limiter.trackedAddresses).toBe(100);
  });

  it('never allows more than the burst plus the refill over any stretch of time', () => {
    const attempts = 5;
    const intervalMs = 1_000;
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400 }), address: fc.constantFrom('a', 'b') }), {
          maxLength: 200,
        }),
        (steps) => {
          let now = 0;
          const limiter = new JoinRateLimiter({ attempts, intervalMs, now: () => now });
          const allowedAt: Record<string, number[]> = { a: [], b: [] };
          for (const { gap, address } of steps) {
            now += gap;
            if (limiter.attempt(address).allowed) allowedAt[address]?.push(now);
          }
          for (const times of Object.values(allowedAt)) {
            for (let first = 0; first < times.length; first++) {
              for (let last = first; last < times.length; last++) {
                const span = (times[last] as number) - (times[first] as number);
                expect(last - first + 1).toBeLessThanOrEqual(attempts + (span * attempts) / intervalMs);
              }
            }
          }
        },
      ),
    );
  });

  it('refuses settings that are not positive, naming the setting', () => {
    const bad: [JoinRateLimitOptions, string][] = [
      [{ attempts: 0 }, 'attempts must be a whole number of at least 1, got 0'],
      [{ attempts: 2.5 }, 'attempts must be a whole number of at least 1, got 2.5'],
      [{ intervalMs: 0 }, 'intervalMs must be a number of milliseconds greater than 0, got 0'],
      [{ intervalMs: Number.POSITIVE_INFINITY }, 'intervalMs must be a number of milliseconds greater than 0, got Infinity'],
      [{ maxAddresses: -1 }, 'maxAddresses must be a whole number of at least 1, got -1'],
    ];
    for (const [options, message] of bad) {
      let thrown: unknown;
      try {
        new JoinRateLimiter(options);
      } catch (error) {
        thrown = error;
      }
      expect(isFedtuneError(thrown, 'ConfigError')).toBe(true);
      expect((thrown as Error).message).toBe(`join rate limit: ${message}`);
    }
  });
});
