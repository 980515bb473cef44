import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { singularValues, upperTriangularFactor } from '../src/index.js';

/** Columns of a row-major m×n matrix. */
function columnsOf(matrix: number[], m: number, n: number): Float64Array[] {
  return Array.from({ length: n }, (_, c) => Float64Array.from({ length: m }, (_, i) => matrix[i * n + c] as number));
}

/** XᵀX of a row-major m×n matrix, n×n. */
function gram(matrix: ArrayLike<number>, m: number, n: number): number[] {
  const out = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < m; k++) out[i * n + j]! += (matrix[k * n + i] as number) * (matrix[k * n + j] as number);
  return out;
}

/** Matrices of float32 values, as LoRA factors hold (never float64 subnormals, whose few bits no algorithm keeps). */
const smallMatrix = fc
  .record({ m: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 6 }) })
  .chain(({ m, n }) =>
    fc.record({
      m: fc.constant(m),
      n: fc.constant(n),
      values: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: m * n, maxLength: m * n }),
    })
  );

describe('upperTriangularFactor (Householder thin QR)', () => {
  it('matches a hand-worked 3×2 example', () => {
    // Column 1 = (3, 4, 0): ‖·‖ = 5, reflected to −5·e₁. q₁ = −(3, 4, 0)/5, so R₁₂ = q₁·(1, 2, 2) = −11/5.
    // The rest of column 2, (1, 2, 2) − (11/25)(3, 4, 0) = (−0.32, 0.24, 2), has norm √4.16.
    const r = upperTriangularFactor(columnsOf([3, 1, 4, 2, 0, 2], 3, 2), 3);
    expect(Array.from(r).map((v) => Number(v.toFixed(6)))).toEqual([-5, -2.2, 0, -2.039608]);
  });

  it('gives R = 0 for a zero matrix (nothing to reflect)', () => {
    expect(Array.from(upperTriangularFactor(columnsOf([0, 0, 0, 0, 0, 0], 3, 2), 3))).toEqual([0, 0, 0, 0]);
  });

  property.prop([smallMatrix])('is upper triangular with RᵀR = XᵀX', ({ m, n, values }) => {
    const r = upperTriangularFactor(columnsOf(values, m, n), m);
    const p = Math.min(m, n);
    expect(r.length).toBe(p * n);
    for (let i = 0; i < p; i++) for (let k = 0; k < i; k++) expect(r[i * n + k]).toBe(0);
    const expected = gram(values, m, n);
    gram(r, p, n).forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 9));
  });
});

describe('singularValues (one-sided Jacobi)', () => {
  it('matches a hand-worked 2×2 example', () => {
    // [[3, 0], [4, 5]]ᵀ·[[3, 0], [4, 5]] = [[25, 20], [20, 25]], eigenvalues 45 and 5.
    const sigma = singularValues([3, 0, 4, 5], 2, 2);
    expect(sigma[0]).toBeCloseTo(Math.sqrt(45), 12);
    expect(sigma[1]).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('returns min(m, n) values, largest first, for a wide rank-one matrix', () => {
    // (1, 2)ᵀ·(2, 0, 1): one singular value ‖(1, 2)‖·‖(2, 0, 1)‖ = √5·√5 = 5.
    const sigma = Array.from(singularValues([2, 0, 1, 4, 0, 2], 2, 3));
    expect(sigma).toHaveLength(2);
    expect(sigma[0]).toBeCloseTo(5, 12);
    expect(sigma[1]).toBeCloseTo(0, 12);
  });

  property.prop([smallMatrix])('keeps the Frobenius norm and agrees with its transpose', ({ m, n, values }) => {
    const sigma = singularValues(values, m, n);
    const squares = values.reduce((sum, v) => sum + v * v, 0);
    expect(sigma.reduce((sum, s) => sum + s * s, 0)).toBeCloseTo(squares, 8);
    for (let i = 1; i < sigma.length; i++) expect(sigma[i]).toBeLessThanOrEqual(sigma[i - 1] as number);
    const transposed = Array.from({ length: m * n }, (_, k) => values[(k % m) * n + Math.floor(k / m)] as number);
    const other = singularValues(transposed, n, m);
    sigma.forEach((s, i) => expect(other[i]).toBeCloseTo(s, 9));
  });
});
