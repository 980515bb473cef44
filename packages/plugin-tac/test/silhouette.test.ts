import { describe, expect, it } from 'vitest';
import { kMeansWithSilhouette } from '../src/automaticClusterCount.js';
import { silhouetteScore } from '../src/silhouette.js';
import { seeding, squaredDistances } from './helpers.js';

const settings = { nInit: 10, maxIterations: 100, tolerance: 1e-6, maxK: 5 };

describe('silhouetteScore', () => {
  it('matches a hand-checked example: 0, 1 | 10, 11 scores (19/21 + 17/19) / 2', () => {
    // Point 0: a = 1, b = (10 + 11)/2 = 10.5 → 9.5/10.5 = 19/21; point 1: a = 1, b = 9.5 → 17/19;
    // the other two mirror them.
    const score = silhouetteScore(squaredDistances([[0], [1], [10], [11]]), [0, 0, 1, 1]);
    expect(score).toBeCloseTo((19 / 21 + 17 / 19) / 2, 6);
  });

  it('scores a point alone in its cluster 0, and a wrong split lower than the right one', () => {
    // Point 2 alone: 0; points 0 and 1: a = 1, b = 10 and 9 → 0.9 and 8/9.
    const alone = silhouetteScore(squaredDistances([[0], [1], [10]]), [0, 0, 1]);
    expect(alone).toBeCloseTo((0.9 + 8 / 9) / 3, 6);
    const distances = squaredDistances([[0], [1], [10], [11]]);
    expect(silhouetteScore(distances, [0, 1, 0, 1])).toBeLessThan(0);
    expect(() => silhouetteScore(distances, [0, 0, 0, 0])).toThrow(/two clusters/);
  });
});

describe('kMeansWithSilhouette', () => {
  it('picks three clusters for three groups on a line', () => {
    const fit = kMeansWithSilhouette(squaredDistances([[0], [1], [10], [11], [20], [21]]), 6, { ...settings, random: seeding() });
    expect(fit.k).toBe(3);
    expect(fit.labels).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('picks two clusters for two groups, and never more than n − 1', () => {
    expect(kMeansWithSilhouette(squaredDistances([[0], [0.5], [1], [30], [31]]), 5, { ...settings, random: seeding() }).k).toBe(2);
    const three = kMeansWithSilhouette(squaredDistances([[0], [5], [40]]), 3, { ...settings, random: seeding() });
    expect(three.k).toBe(2);
    expect(three.labels).toEqual([0, 0, 1]);
  });

  it('makes each point its own cluster below three points', () => {
    expect(kMeansWithSilhouette(squaredDistances([[0], [9]]), 2, { ...settings, random: seeding() }).labels).toEqual([0, 1]);
  });
});
