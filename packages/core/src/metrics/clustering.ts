import { minimumCostAssignment } from './assignment.js';

/** Counts of (cluster, truth) pairs: `table[c][t]`. */
function contingency(clusters: readonly number[], truth: readonly number[]): number[][] {
  if (clusters.length !== truth.length) {
    throw new RangeError(`clusters has ${clusters.length} labels, truth has ${truth.length}`);
  }
  const numClusters = Math.max(-1, ...clusters) + 1;
  const numTruth = Math.max(-1, ...truth) + 1;
  const table = Array.from({ length: numClusters }, () => new Array<number>(numTruth).fill(0));
  clusters.forEach((c, i) => {
    const row = table[c] as number[];
    const t = truth[i] as number;
    row[t] = (row[t] as number) + 1;
  });
  return table;
}

/**
 * Clustering accuracy: the share of items whose cluster maps to their true label under the best
 * one-to-one matching of clusters to labels (Hungarian), as TAC's evaluation logs it.
 */
export function clusteringAccuracy(clusters: readonly number[], truth: readonly number[]): number {
  if (clusters.length === 0) return 1;
  const table = contingency(clusters, truth);
  const size = Math.max(table.length, table[0]?.length ?? 0);
  // Square, negated (minimum cost = maximum matches), padded with zeros for unmatched clusters/labels.
  const cost = Array.from({ length: size }, (_, c) =>
    Array.from({ length: size }, (_, t) => -((table[c]?.[t] as number | undefined) ?? 0)),
  );
  const matched = minimumCostAssignment(cost).reduce((sum, t, c) => sum - (cost[c]?.[t] as number), 0);
  return matched / clusters.length;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie 1985): 1 for identical partitions, about 0 for chance. */
export function adjustedRandIndex(clusters: readonly number[], truth: readonly number[]): number {
  const table = contingency(clusters, truth);
  const n = clusters.length;
  const sumCells = table.flat().reduce((s, x) => s + pairs(x), 0);
  const sumRows = table.reduce((s, row) => s + pairs(row.reduce((a, b) => a + b, 0)), 0);
  const columnTotals = (table[0] ?? []).map((_, t) => table.reduce((s, row) => s + (row[t] as number), 0));
  const sumColumns = columnTotals.reduce((s, x) => s + pairs(x), 0);
  const expected = (sumRows * sumColumns) / (pairs(n) || 1);
  const maximum = (sumRows + sumColumns) / 2;
  // Both partitions trivial (one cluster, or all singletons alike): they agree completely.
  if (maximum === expected) return 1;
  return (sumCells - expected) / (maximum - expected);
}
