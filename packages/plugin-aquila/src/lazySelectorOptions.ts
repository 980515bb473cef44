import { z } from 'zod';

/** The options every lazily-uploading selector of this package shares. */
export const lazySelectorOptionFields = {
  /** Share of clients sampled each round, in (0, 1]. */
  fraction: z.number().gt(0).max(1).default(1),
  /** α, the server step size (1: the server adds the mean update as it is). */
  alpha: z.number().positive().default(1),
  /** C: a client that skipped this many times in a row uploads at its next participation. */
  maxStaleness: z.number().int().positive().default(100),
};
