import type { RandomStreamRange } from '@fedtune/core';

/** The random stream ids this plugin reserves when it registers (core keeps the ids below 1000). */
export const RMLORA_RANDOM_STREAMS: Readonly<RandomStreamRange> = { first: 1100, count: 1 };

/** Which id of {@link RMLORA_RANDOM_STREAMS} each of the plugin's draws comes from. */
export const RmLoraStreams = {
  /**
   * The rank directions each optimiser step moves. Version 0.1.0 drew them from stream 1000,
   * which TAC and SAFARI also used.
   */
  rankMask: RMLORA_RANDOM_STREAMS.first,
} as const;
