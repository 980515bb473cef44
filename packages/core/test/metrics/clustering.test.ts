import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { minimumCostAssignment } from '../../src/metrics/assignment.js';
import { adjustedRandIndex, clusteringAccuracy } from '../../src/metrics/clustering.js';

describe('minimumCostAssignment', () => {
  it('solves a hand-checked 3×3 problem', () => {
    // Rows pick columns 1, 0, 2: 1 + 2 + 2 = 5, the minimum (other matchings cost ≥ 6).
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(minimumCostAssignment(cost)).toEqual([1, 0, 2]);
  });

  it('matches brute force on random small matrices', () => {
    const permutations = (n: number): number[][] =>
      n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
        ),
        (cost) => {
          const total = (assignment: number[]) => assignment.reduce((s, c, r) => s + (cost[r]?.[c] as number), 0);
          const best = Math.min(...permutations(cost.length).map(total));
          const found = minimumCostAssignment(cost);
          expect(new Set(found).size).toBe(cost.length);
          expect(total(found)).toBe(best);
        },
      ),
    );
  });
});

describe('clustering metrics', () => {
  it('clustering accuracy ignores how clusters are numbered', () => {
    expect(clusteringAccuracy([2, 2, 0, 0, 1, 1], [0, 0, 1, 1, 2, 2])).toBe(1);
    // Best matching: cluster 0 → task 0 (2 items), cluster 1 → task 1 (1 item); 3 of 4.
    expect(clusteringAccuracy([0, 0, 0, 1], [0, 0, 1, 1])).toBe(0.75);
    // Two clusters for three tasks: at most two tasks can be matched.
    expect(clusteringAccuracy([0, 0, 1, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(4 / 6, 12);
  });

  it('adjusted Rand index is 1 for equal partitions and matches a hand-worked value', () => {
    expect(adjustedRandIndex([1, 1, 0, 0], [0, 0, 1, 1])).toBe(1);
    // Table [[2,1],[0,1]] (n = 4): Σ C(nij,2) = 1; rows C(3,2)+C(1,2) = 3; columns C(2,2)·2 = 2;
    // expected 3·2/6 = 1; max (3+2)/2 = 2.5 → ARI = (1 − 1)/(2.5 − 1) = 0.
    expect(adjustedRandIndex([0, 0, 0, 1], [0, 0, 1, 1])).toBe(0);
  });
});
