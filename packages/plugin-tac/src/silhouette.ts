/**
 * Mean silhouette coefficient (Rousseeuw 1987) of a clustering, from pairwise squared Euclidean
 * distances (n×n, row-major): s(i) = (b − a) / max(a, b), where a is point i's mean distance to the
 * rest of its cluster and b its smallest mean distance to another cluster; s(i) = 0 for a point
 * alone in its cluster. Needs at least two clusters.
 */
export function silhouetteScore(squaredDistances: ArrayLike<number>, labels: readonly number[]): number {
  const n = labels.length;
  if (squaredDistances.length !== n * n) {
    throw new RangeError(`silhouetteScore: distances has ${squaredDistances.length} entries, expected ${n}×${n}`);
  }
  const numClusters = Math.max(...labels) + 1;
  if (new Set(labels).size < 2) throw new RangeError('silhouetteScore needs at least two clusters');
  const sizes = new Array<number>(numClusters).fill(0);
  for (const label of labels) sizes[label] = (sizes[label] as number) + 1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i] as number;
    if (sizes[own] === 1) continue;
    const sums = new Array<number>(numClusters).fill(0);
    for (let j = 0; j < n; j++) {
      const other = labels[j] as number;
      if (j !== i) sums[other] = (sums[other] as number) + Math.sqrt(squaredDistances[i * n + j] as number);
    }
    const a = (sums[own] as number) / ((sizes[own] as number) - 1);
    let b = Infinity;
    sums.forEach((sum, cluster) => {
      if (cluster !== own && (sizes[cluster] as number) > 0) b = Math.min(b, sum / (sizes[cluster] as number));
    });
    const spread = Math.max(a, b);
    total += spread > 0 ? (b - a) / spread : 0;
  }
  return total / n;
}
