import { describe, expect, it } from 'vitest';
import { clusterMeans } from '../src/clusterMeans.js';
import { backend } from './helpers.js';

const vectors = [Float32Array.of(1, 2), Float32Array.of(3, 6), Float32Array.of(10, 0)];

describe('clusterMeans', () => {
  it('weights members by samples: (10·(1,2) + 30·(3,6)) / 40 = (2.5, 5)', () => {
    const means = clusterMeans(vectors, [10, 30, 5], [0, 0, 1], 'samples', backend);
    expect(Array.from(means[0] as Float32Array)).toEqual([2.5, 5]);
    expect(Array.from(means[1] as Float32Array)).toEqual([10, 0]);
  });

  it('weights members equally with uniform weighting, or when a cluster holds no samples', () => {
    expect(Array.from(clusterMeans(vectors, [10, 30, 5], [0, 0, 1], 'uniform', backend)[0] as Float32Array)).toEqual([2, 4]);
    expect(Array.from(clusterMeans(vectors, [0, 0, 5], [0, 0, 1], 'samples', backend)[0] as Float32Array)).toEqual([2, 4]);
  });

  it('gives a label without members no mean, and nothing for no vectors', () => {
    const means = clusterMeans(vectors, [1, 1, 1], [0, 2, 2], 'uniform', backend);
    expect(means[1]).toBeUndefined();
    expect(Array.from(means[2] as Float32Array)).toEqual([6.5, 3]);
    expect(clusterMeans([], [], [], 'samples', backend)).toEqual([]);
  });
});
