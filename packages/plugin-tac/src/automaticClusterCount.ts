import type { RandomStream } from '@fedtune/core';
import { type KMeansFit, kMeans, type KMeansSettings } from './kMeans.js';
import { silhouetteScore } from './silhouette.js';

/** A k-means fit with the cluster count silhouette picked, and that score. */
export interface ChosenFit extends KMeansFit {
  k: number;
  silhouette: number;
}

/**
 * Fits k-means for every k from 2 to min(`maxK`, n − 1) and keeps the fit with the highest mean
 * silhouette (the smaller k on ties). Fewer than three points cannot be scored: each is its own
 * cluster. All fits draw their seeding from one stream, in order of k.
 */
export function kMeansWithSilhouette(
  squaredDistances: ArrayLike<number>,
  n: number,
  settings: Omit<KMeansSettings, 'k'> & { maxK: number; random: RandomStream },
): ChosenFit {
  const largest = Math.min(settings.maxK, n - 1);
  if (largest < 2) {
    return { labels: Array.from({ length: n }, (_, i) => i), inertia: 0, iterations: 0, k: n, silhouette: 0 };
  }
  let best: ChosenFit | undefined;
  for (let k = 2; k <= largest; k++) {
    const fit = kMeans(squaredDistances, n, { ...settings, k });
    // A start may leave fewer clusters than asked for; one cluster has no silhouette.
    const silhouette = new Set(fit.labels).size < 2 ? -1 : silhouetteScore(squaredDistances, fit.labels);
    if (best === undefined || silhouette > best.silhouette) best = { ...fit, k, silhouette };
  }
  return best as ChosenFit;
}
