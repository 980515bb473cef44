import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { kMeans } from '../src/kMeans.js';
import { canonical, seeding, squaredDistances } from './helpers.js';

const defaults = { nInit: 10, maxIterations: 100, tolerance: 1e-6 };

describe('kMeans', () => {
  it('splits 0, 1, 10, 11 into {0, 1} and {10, 11} with inertia 4 · 0.5² = 1', () => {
    const fit = kMeans(squaredDistances([[0], [1], [10], [11]]), 4, { ...defaults, k: 2, random: seeding() });
    expect(fit.labels).toEqual([0, 0, 1, 1]);
    expect(fit.inertia).toBeCloseTo(1, 6);
  });

  it('finds three 2-D groups and numbers clusters by first appearance', () => {
    // Points listed with the groups interleaved: (0,0)-ish, (50,0)-ish, (0,50)-ish.
    const points = [
      [50, 1],
      [0, 0],
      [1, 50],
      [51, 0],
      [1, 1],
      [0, 51],
    ];
    const fit = kMeans(squaredDistances(points), 6, { ...defaults, k: 3, random: seeding(7) });
    expect(fit.labels).toEqual([0, 1, 2, 0, 1, 2]);
    // Each group is two points √2 apart: 2 · (√2/2)² = 1 per group.
    expect(fit.inertia).toBeCloseTo(3, 5);
  });

  it('makes each point its own cluster when there are no more points than clusters', () => {
    expect(kMeans(squaredDistances([[3], [3], [9]]), 3, { ...defaults, k: 3, random: seeding() })).toEqual({
      labels: [0, 1, 2],
      inertia: 0,
      iterations: 0,
    });
  });

  it('finishes with zero inertia when points coincide, and rejects a matrix of the wrong size', () => {
    // Three copies of 1 and one 5: copies tie on every centroid at 1, so they may share one cluster.
    const fit = kMeans(squaredDistances([[1], [1], [1], [5]]), 4, { ...defaults, k: 3, random: seeding() });
    expect(fit.labels[3]).not.toBe(fit.labels[0]);
    expect(fit.inertia).toBe(0);
    expect(() => kMeans(new Float32Array(8), 3, { ...defaults, k: 2, random: seeding() })).toThrow(/3×3/);
  });

  test.prop([
    fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }),
    fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 80, maxLength: 80 }),
    fc.nat(1000),
  ])('recovers well-separated groups exactly, whatever the seed', (sizes, noise, seed) => {
    const dimension = sizes.length;
    const points: number[][] = [];
    const truth: number[] = [];
    sizes.forEach((size, group) => {
      for (let p = 0; p < size; p++) {
        const index = points.length;
        points.push(Array.from({ length: dimension }, (_, d) => (d === group ? 1000 : 0) + (noise[(index * dimension + d) % 80] as number)));
        truth.push(group);
      }
    });
    const fit = kMeans(squaredDistances(points), points.length, { ...defaults, k: sizes.length, random: seeding(seed) });
    expect(fit.labels).toEqual(canonical(truth));
  });

  test.prop([
    fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 12 }),
    fc.integer({ min: 2, max: 3 }),
    fc.nat(1000),
  ])('reports the inertia the vectors give: Σ ‖x − mean of its cluster‖², once converged', (points, k, seed) => {
    const fit = kMeans(squaredDistances(points), points.length, { nInit: 3, maxIterations: 1000, tolerance: 0, k, random: seeding(seed) });
    let direct = 0;
    for (const cluster of new Set(fit.labels)) {
      const members = points.filter((_, i) => fit.labels[i] === cluster);
      const mean = [0, 1, 2].map((d) => members.reduce((s, p) => s + (p[d] as number), 0) / members.length);
      for (const p of members) direct += p.reduce((s, x, d) => s + (x - (mean[d] as number)) ** 2, 0);
    }
    expect(fit.inertia).toBeCloseTo(direct, 2);
    expect(fit.labels).toEqual(canonical(fit.labels));
    expect(Math.max(...fit.labels)).toBeLessThan(k);
  });

  it('gives the same clusters for the same seed and round', () => {
    const points = Array.from({ length: 15 }, (_, i) => [Math.sin(i * 1.7) * 3, Math.cos(i * 2.3) * 3]);
    const run = () => kMeans(squaredDistances(points), 15, { ...defaults, k: 3, random: seeding(4, 2) });
    expect(run()).toEqual(run());
  });
});
