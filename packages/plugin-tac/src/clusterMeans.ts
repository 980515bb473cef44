import type { Backend } from '@fedtune/core';

/** How members count in their cluster's mean: by training samples (the reference code) or equally (the paper). */
export type ClusterWeighting = 'samples' | 'uniform';

/**
 * The mean of each cluster's vectors, index = cluster label: Σ w_i v_i over the members with
 * w_i = n_i / Σ n_j (`samples`; equal weights if the cluster holds no samples) or 1/|cluster|.
 * A label with no member gets no mean.
 */
export function clusterMeans(
  vectors: readonly Float32Array[],
  numSamples: readonly number[],
  labels: readonly number[],
  weighting: ClusterWeighting,
  backend: Backend,
): Float32Array[] {
  const numClusters = labels.length === 0 ? 0 : Math.max(...labels) + 1;
  const means: Float32Array[] = [];
  for (let cluster = 0; cluster < numClusters; cluster++) {
    const members = labels.flatMap((label, i) => (label === cluster ? [i] : []));
    if (members.length === 0) continue;
    const raw = members.map((i) => (weighting === 'samples' ? (numSamples[i] as number) : 1));
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => (total > 0 ? w / total : 1 / members.length));
    means[cluster] = backend.weightedSum(
      members.map((i) => vectors[i] as Float32Array),
      weights,
    );
  }
  return means;
}
