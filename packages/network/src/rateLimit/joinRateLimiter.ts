import { ConfigError } from '@fedtune/core';

/** Settings of a {@link JoinRateLimiter}; every one has a default. */
export interface JoinRateLimitOptions {
  /** Join attempts one address may make in a burst; they come back at this many per `intervalMs`. Default 10. */
  attempts?: number;
  /** Milliseconds in which an address's allowance refills from empty to full. Default 10 000. */
  intervalMs?: number;
  /**
   * Addresses remembered at most; past it, the address whose last attempt is oldest is forgotten (it
   * starts again with a full allowance). Default 10 000.
   */
  maxAddresses?: number;
  /** The clock in milliseconds (only differences count). Default `performance.now`, which never goes back. */
  now?: () => number;
}

/** The answer to one join attempt. */
export type JoinDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** Milliseconds until this address may try again. */
      retryAfterMs: number;
    };

/**
 * One address's allowance at time `at`, scaled by `intervalMs`: an attempt costs `intervalMs` and each
 * millisecond adds `attempts`. With whole-number settings and clock every step is then a whole number,
 * so no rounding lets an attempt through early or reports a wait 1 ms too long.
 */
interface Bucket {
  credit: number;
  at: number;
}

const DEFAULTS = { attempts: 10, intervalMs: 10_000, maxAddresses: 10_000 };

/**
 * Limits join attempts per remote address with a token bucket: each address may try `attempts`
 * times at once, then once more each `intervalMs / attempts`, so guessing tokens or flooding the
 * handshake from one address is slow, while a client that reconnects now and then never notices.
 * Memory is bounded by `maxAddresses`: a flood of distinct addresses evicts the stalest ones
 * rather than growing without end.
 */
export class JoinRateLimiter {
  private readonly attempts: number;
  private readonly intervalMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  /** In order of last attempt, oldest first: a `Map` keeps insertion order, and each attempt re-inserts. */
  private readonly buckets = new Map<string, Bucket>();

  /** @throws ConfigError when a setting is not a positive number (a whole one for counts). */
  constructor(options: JoinRateLimitOptions = {}) {
    this.attempts = wholeAtLeastOne('attempts', options.attempts ?? DEFAULTS.attempts);
    this.intervalMs = positive('intervalMs', options.intervalMs ?? DEFAULTS.intervalMs);
    this.maxAddresses = wholeAtLeastOne('maxAddresses', options.maxAddresses ?? DEFAULTS.maxAddresses);
    this.now = options.now ?? (() => performance.now());
  }

  /** Counts one join attempt from `address` and says whether to let it through. */
  attempt(address: string): JoinDecision {
    const now = this.now();
    const bucket = this.refilled(address, now);
    this.buckets.delete(address);
    this.buckets.set(address, bucket);
    if (this.buckets.size > this.maxAddresses) this.forgetStalest();
    if (bucket.credit >= this.intervalMs) {
      bucket.credit -= this.intervalMs;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((this.intervalMs - bucket.credit) / this.attempts) };
  }

  /** How many addresses are remembered now (at most `maxAddresses`). */
  get trackedAddresses(): number {
    return this.buckets.size;
  }

  /** The address's bucket brought up to `now`; a new address starts full. */
  private refilled(address: string, now: number): Bucket {
    const bucket = this.buckets.get(address);
    const full = this.attempts * this.intervalMs;
    if (bucket === undefined) return { credit: full, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    return { credit: Math.min(full, bucket.credit + elapsed * this.attempts), at: now };
  }

  private forgetStalest(): void {
    const stalest = this.buckets.keys().next();
    if (stalest.done !== true) this.buckets.delete(stalest.value);
  }
}

function wholeAtLeastOne(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`join rate limit: ${name} must be a whole number of at least 1, got ${value}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`join rate limit: ${name} must be a number of milliseconds greater than 0, got ${value}`);
  }
  return value;
}
