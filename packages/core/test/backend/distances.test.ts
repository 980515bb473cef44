import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { float32Matrix } from './arbitraries.js';

const backend = new ReferenceBackend();

const rowMatrices = fc
  .record({ n: fc.integer({ min: 1, max: 6 }), d: fc.integer({ min: 1, max: 6 }) })
  .chain(({ n, d }) => fc.record({ n: fc.constant(n), d: fc.constant(d), rows: float32Matrix(n, d) }));

function expectSymmetric(matrix: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(matrix[i * n + j]).toBe(matrix[j * n + i]);
}

describe('pairwiseSquaredEuclidean', () => {
  it('matches distances worked by hand', () => {
    // rows (1,0), (0,2), (3,4): |r0−r1|² = 1+4 = 5, |r0−r2|² = 4+16 = 20, |r1−r2|² = 9+4 = 13
    const rows = Float32Array.of(1, 0, 0, 2, 3, 4);
    expect(backend.pairwiseSquaredEuclidean(rows, 3, 2)).toEqual(Float32Array.of(0, 5, 20, 5, 0, 13, 20, 13, 0));
  });

  test.prop([rowMatrices])('is symmetric, exactly 0 on the diagonal and non-negative', ({ n, d, rows }) => {
    const distances = backend.pairwiseSquaredEuclidean(rows, n, d);
    expectSymmetric(distances, n);
    for (let i = 0; i < n; i++) expect(distances[i * n + i]).toBe(0);
    expect(distances.every((v) => v >= 0)).toBe(true);
  });

  test.prop([rowMatrices])('is 0 between identical rows', ({ n, d, rows }) => {
    const doubled = new Float32Array(2 * n * d);
    doubled.set(rows);
    doubled.set(rows, n * d);
    const distances = backend.pairwiseSquaredEuclidean(doubled, 2 * n, d);
    for (let i = 0; i < n; i++) expect(distances[i * 2 * n + (i + n)]).toBe(0);
  });
});

describe('pairwiseCosine', () => {
  it('matches similarities worked by hand', () => {
    // rows (1,0), (0,2), (3,4): cos01 = 0, cos02 = 3/5, cos12 = 8/(2·5) = 4/5
    const rows = Float32Array.of(1, 0, 0, 2, 3, 4);
    expect(backend.pairwiseCosine(rows, 3, 2)).toEqual(Float32Array.of(1, 0, 0.6, 0, 1, 0.8, 0.6, 0.8, 1));
  });

  it('gives a zero row similarity 0 with others and 1 with itself', () => {
    const rows = Float32Array.of(0, 0, 1, 1, 0, 0);
    expect(backend.pairwiseCosine(rows, 3, 2)).toEqual(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1));
  });

  test.prop([rowMatrices])('is symmetric, 1 on the diagonal and within [−1, 1]', ({ n, d, rows }) => {
    const similarities = backend.pairwiseCosine(rows, n, d);
    expectSymmetric(similarities, n);
    for (let i = 0; i < n; i++) expect(similarities[i * n + i]).toBe(1);
    expect(similarities.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  test.prop([rowMatrices, fc.constantFrom(2, 4, 8, 16)])(
    'does not change when a row is scaled by a power of two',
    ({ n, d, rows }, factor) => {
      // Power-of-two scaling is exact in float32 here and scales dot products and norms exactly.
      const scaled = rows.map((v, index) => (index < d ? v * factor : v));
      expect(backend.pairwiseCosine(scaled, n, d)).toEqual(backend.pairwiseCosine(rows, n, d));
    }
  );
});
