import { ConnectionLost } from './connectionLost.js';
import { JoinRefused } from './refusal.js';

/** How a client that lost its connection joins again. */
export interface ReconnectOptions {
  /** Tries in a row before giving up; a welcome starts the count again. Default 12. */
  attempts?: number;
  /** Milliseconds before the first try; each next wait doubles. Default 500. */
  firstDelayMs?: number;
  /** The longest wait between tries, in milliseconds. Default 10 000. */
  maxDelayMs?: number;
}

const DEFAULTS: Required<ReconnectOptions> = { attempts: 12, firstDelayMs: 500, maxDelayMs: 10_000 };

/** Refusals that pass: the server still holds the old connection's ids, or the join came too soon. */
const PASSING_REFUSALS = new Set(['duplicate-client', 'rate-limited']);

/**
 * Counts the tries of a client that joins again after losing its connection, and waits between
 * them with exponential backoff.
 */
export class Reconnection {
  private readonly settings: Required<ReconnectOptions>;
  private failures = 0;

  constructor(options: ReconnectOptions) {
    this.settings = { ...DEFAULTS, ...options };
  }

  /** A welcome: the next loss starts counting from the first try again. */
  joined(): void {
    this.failures = 0;
  }

  /**
   * Whether to try again after `error`, and how long to wait first: only for a lost connection or
   * a refusal that passes, while tries are left.
   */
  next(error: unknown): { delayMs: number; attempt: number; attempts: number } | undefined {
    const passing = error instanceof ConnectionLost || (error instanceof JoinRefused && PASSING_REFUSALS.has(error.reason));
    const { attempts, firstDelayMs, maxDelayMs } = this.settings;
    if (!passing || this.failures >= attempts) return undefined;
    this.failures++;
    return { delayMs: Math.min(maxDelayMs, firstDelayMs * 2 ** (this.failures - 1)), attempt: this.failures, attempts };
  }

  /** Waits `delayMs`, or rejects with the signal's reason when it aborts first. */
  static wait(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const abort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', abort);
        resolve();
      }, delayMs);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
