/** Random stream ids this plugin draws from (core keeps the ids below 1000). */
export const TacStreams = {
  /** k-means++ seeding of every start of the server's k-means, one key per round. */
  kMeansSeeding: 1000,
  /** Starting vectors of the power iterations behind the 2-D projections. */
  projectionStart: 1001,
} as const;
