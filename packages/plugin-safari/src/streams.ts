import type { RandomStreamRange } from '@fedtune/core';

/** The random stream ids this plugin reserves when it registers (core keeps the ids below 1000). */
export const SAFARI_RANDOM_STREAMS: Readonly<RandomStreamRange> = { first: 1200, count: 1 };

/** Which id of {@link SAFARI_RANDOM_STREAMS} each of the plugin's draws comes from. */
export const SafariStreams = {
  /** The order in which equal-magnitude weights are kept by the weight mask. */
  weightMaskTieBreak: SAFARI_RANDOM_STREAMS.first,
} as const;
