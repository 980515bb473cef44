import type { RandomStreamRange } from '@fedtune/core';

/** The random stream ids this plugin reserves when it registers (core keeps the ids below 1000). */
export const TAC_RANDOM_STREAMS: Readonly<RandomStreamRange> = { first: 1000, count: 2 };

/** Which id of {@link TAC_RANDOM_STREAMS} each of the plugin's draws comes from. */
export const TacStreams = {
  /** k-means++ seeding of every start of the server's k-means, one key per round. */
  kMeansSeeding: TAC_RANDOM_STREAMS.first,
  /** Starting vectors of the power iterations behind the 2-D projections. */
  projectionStart: TAC_RANDOM_STREAMS.first + 1,
} as const;
