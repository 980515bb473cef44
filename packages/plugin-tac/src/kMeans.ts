import type { RandomStream } from '@fedtune/core';

/** Settings of one k-means fit. */
export interface KMeansSettings {
  /** Number of clusters. */
  k: number;
  /** Independent k-means++ starts; the fit with the lowest inertia wins (the earliest on ties). */
  nInit: number;
  /** Lloyd iterations per start, at most. */
  maxIterations: number;
  /** A start stops once the summed squared shift of its centroids in one iteration is at most this. */
  tolerance: number;
  /** Draws for k-means++ seeding: exactly `k` per start, in order. */
  random: RandomStream;
}

/** The result of {@link kMeans}. */
export interface KMeansFit {
  /** Cluster of each point, numbered in order of first appearance (point 0 is in cluster 0). */
  labels: number[];
  /** Σ over points of the squared distance to their cluster's centroid. */
  inertia: number;
  /** Lloyd iterations the winning start ran. */
  iterations: number;
}

/**
 * Lloyd's k-means with k-means++ seeding and several starts, on `n` points known only through their
 * pairwise squared Euclidean distances D (n×n, row-major). Every centroid is a convex combination
 * c = Σ_j w_j x_j of the points, so ‖x_i − c‖² = Σ_j w_j D_ij − ½ Σ_jl w_j w_l D_jl, and two
 * centroids lie −½ uᵀDu apart (u = w − w′). These are the iterations k-means runs on the vectors
 * themselves, but they need one distance-kernel call per round however many starts follow.
 *
 * Ties go to the lower point index and the lower cluster. With `n ≤ k` each point is its own cluster.
 */
export function kMeans(distances: ArrayLike<number>, n: number, settings: KMeansSettings): KMeansFit {
  if (distances.length !== n * n) {
    throw new RangeError(`kMeans: distances has ${distances.length} entries, expected ${n}×${n}`);
  }
  if (n <= settings.k) return { labels: Array.from({ length: n }, (_, i) => i), inertia: 0, iterations: 0 };
  const matrix = Float64Array.from(distances);
  let best: KMeansFit | undefined;
  for (let start = 0; start < settings.nInit; start++) {
    const seeds = seedCentroids(matrix, n, settings.k, settings.random);
    const fit = lloyd(matrix, n, settings.k, seeds, settings);
    if (best === undefined || fit.inertia < best.inertia) best = fit;
  }
  const winner = best as KMeansFit;
  return { ...winner, labels: numberByFirstAppearance(winner.labels) };
}

/** A centroid as weights over the points, with its self term ½ wᵀDw. */
interface Centroid {
  weights: Float64Array;
  selfTerm: number;
}

function centroid(matrix: Float64Array, n: number, weights: Float64Array): Centroid {
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const wj = weights[j] as number;
    if (wj === 0) continue;
    for (let l = 0; l < n; l++) sum += wj * (weights[l] as number) * (matrix[j * n + l] as number);
  }
  return { weights, selfTerm: sum / 2 };
}

function squaredDistanceTo(matrix: Float64Array, n: number, point: number, c: Centroid): number {
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const wj = c.weights[j] as number;
    if (wj !== 0) sum += wj * (matrix[point * n + j] as number);
  }
  // Rounding may leave a tiny negative value for a point that is its own centroid.
  return Math.max(0, sum - c.selfTerm);
}

/** k-means++: the first centroid uniformly, each next one with probability ∝ D² to the nearest chosen. */
function seedCentroids(matrix: Float64Array, n: number, k: number, random: RandomStream): number[] {
  const chosen = [random.int(n)];
  const nearest = matrix.slice((chosen[0] as number) * n, (chosen[0] as number) * n + n);
  while (chosen.length < k) {
    const u = random.uniform();
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i] as number;
    let pick = -1;
    if (total > 0) {
      const target = u * total;
      let cumulative = 0;
      for (let i = 0; i < n && pick < 0; i++) {
        if ((nearest[i] as number) <= 0) continue;
        cumulative += nearest[i] as number;
        if (cumulative > target) pick = i;
      }
      // Rounding can leave the target just above the last partial sum.
      for (let i = n - 1; i >= 0 && pick < 0; i--) if ((nearest[i] as number) > 0) pick = i;
    } else {
      // Every point coincides with a chosen one: take the lowest index not chosen yet.
      pick = Array.from({ length: n }, (_, i) => i).find((i) => !chosen.includes(i)) as number;
    }
    chosen.push(pick);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i] as number, matrix[pick * n + i] as number);
  }
  return chosen;
}

function lloyd(matrix: Float64Array, n: number, k: number, seeds: readonly number[], settings: KMeansSettings): KMeansFit {
  let centroids = seeds.map((seed) => {
    const weights = new Float64Array(n);
    weights[seed] = 1;
    return centroid(matrix, n, weights);
  });
  let iterations = 0;
  while (iterations < settings.maxIterations) {
    const { labels, distanceToOwn } = assign(matrix, n, centroids);
    relocateIntoEmptyClusters(labels, distanceToOwn, k);
    const next = memberMeans(matrix, n, k, labels);
    let shift = 0;
    next.forEach((c, index) => (shift += centroidShift(matrix, n, centroids[index] as Centroid, c)));
    centroids = next;
    iterations++;
    if (shift <= settings.tolerance) break;
  }
  // Labels and inertia as the final centroids give them.
  const { labels, distanceToOwn } = assign(matrix, n, centroids);
  return { labels, inertia: distanceToOwn.reduce((a, b) => a + b, 0), iterations };
}

function assign(matrix: Float64Array, n: number, centroids: readonly Centroid[]): { labels: number[]; distanceToOwn: number[] } {
  const labels: number[] = [];
  const distanceToOwn: number[] = [];
  for (let i = 0; i < n; i++) {
    let bestCluster = 0;
    let bestDistance = Infinity;
    centroids.forEach((c, index) => {
      const d = squaredDistanceTo(matrix, n, i, c);
      if (d < bestDistance) {
        bestDistance = d;
        bestCluster = index;
      }
    });
    labels.push(bestCluster);
    distanceToOwn.push(bestDistance);
  }
  return { labels, distanceToOwn };
}

/** An empty cluster takes the point farthest from its centroid among clusters with several points. */
function relocateIntoEmptyClusters(labels: number[], distanceToOwn: number[], k: number): void {
  const counts = new Array<number>(k).fill(0);
  for (const label of labels) counts[label] = (counts[label] as number) + 1;
  for (let cluster = 0; cluster < k; cluster++) {
    if (counts[cluster] !== 0) continue;
    let farthest = -1;
    labels.forEach((label, i) => {
      if ((counts[label] as number) > 1 && (farthest < 0 || (distanceToOwn[i] as number) > (distanceToOwn[farthest] as number))) {
        farthest = i;
      }
    });
    const from = labels[farthest] as number;
    counts[from] = (counts[from] as number) - 1;
    counts[cluster] = 1;
    labels[farthest] = cluster;
    distanceToOwn[farthest] = 0;
  }
}

function memberMeans(matrix: Float64Array, n: number, k: number, labels: readonly number[]): Centroid[] {
  return Array.from({ length: k }, (_, cluster) => {
    const members = labels.filter((label) => label === cluster).length;
    const weights = new Float64Array(n);
    labels.forEach((label, i) => {
      if (label === cluster) weights[i] = 1 / members;
    });
    return centroid(matrix, n, weights);
  });
}

/** ‖c − c′‖² = −½ uᵀDu with u = w − w′ (u sums to zero). */
function centroidShift(matrix: Float64Array, n: number, from: Centroid, to: Centroid): number {
  const u = from.weights.map((w, i) => w - (to.weights[i] as number));
  return Math.max(0, -centroid(matrix, n, u).selfTerm);
}

function numberByFirstAppearance(labels: readonly number[]): number[] {
  const ids = new Map<number, number>();
  return labels.map((label) => {
    if (!ids.has(label)) ids.set(label, ids.size);
    return ids.get(label) as number;
  });
}
