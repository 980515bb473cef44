import type { Backend } from '@fedtune/core';

/** How two clients' updates are compared. */
export type DistanceMetric = 'euclidean' | 'hamming';

/**
 * The n×n matrix of distances between `updates` (row-major): ‖x_u − x_v‖₂ (SAFARI's similarity),
 * or the Hamming distance between their sparsity masks (which entries are non-zero). Both come
 * from the backend's pairwise squared-Euclidean kernel: on 0/1 rows it counts the differing bits.
 */
export function clientDistances(
  updates: readonly Float32Array[],
  metric: DistanceMetric,
  backend: Backend,
): Float32Array {
  const n = updates.length;
  const d = updates[0]?.length ?? 0;
  const rows = new Float32Array(n * d);
  updates.forEach((update, i) => {
    rows.set(metric === 'euclidean' ? update : update.map((value) => (value !== 0 ? 1 : 0)), i * d);
  });
  const squared = backend.pairwiseSquaredEuclidean(rows, n, d);
  return metric === 'euclidean' ? squared.map(Math.sqrt) : squared;
}
