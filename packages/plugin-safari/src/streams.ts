/** Random stream ids this plugin draws from (core keeps the ids below 1000). */
export const SafariStreams = {
  /** The order in which equal-magnitude weights are kept by the weight mask. */
  weightMaskTieBreak: 1000,
} as const;
