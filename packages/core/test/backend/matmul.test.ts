import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { float32Matrix } from './arbitraries.js';

const backend = new ReferenceBackend();

function explicitTranspose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}

const productShapes = fc.record({
  m: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 6 }),
  n: fc.integer({ min: 1, max: 6 }),
});
const productOperands = productShapes.chain(({ m, k, n }) =>
  fc.record({ m: fc.constant(m), k: fc.constant(k), n: fc.constant(n), a: float32Matrix(m, k), b: float32Matrix(k, n) })
);

describe('matmul', () => {
  it('multiplies a 2×3 by a 3×2 matrix (worked by hand)', () => {
    const a = Float32Array.of(1, 2, 3, 4, 5, 6);
    const b = Float32Array.of(7, 8, 9, 10, 11, 12);
    // [1 2 3; 4 5 6]·[7 8; 9 10; 11 12] = [58 64; 139 154]
    expect(backend.matmul(a, b, { m: 2, k: 3, n: 2 })).toEqual(Float32Array.of(58, 64, 139, 154));
  });

  it('reads transposed storage: Aᵀ·B and A·Bᵀ (worked by hand)', () => {
    // a stores the 3×2 matrix [1 4; 2 5; 3 6]; op(a) = aᵀ = [1 2 3; 4 5 6].
    const aStoredTransposed = Float32Array.of(1, 4, 2, 5, 3, 6);
    // b stores the 2×3 matrix [7 9 11; 8 10 12]; op(b) = bᵀ = [7 8; 9 10; 11 12].
    const bStoredTransposed = Float32Array.of(7, 9, 11, 8, 10, 12);
    const expected = Float32Array.of(58, 64, 139, 154);
    expect(
      backend.matmul(aStoredTransposed, Float32Array.of(7, 8, 9, 10, 11, 12), { m: 2, k: 3, n: 2, transposeA: true })
    ).toEqual(expected);
    expect(
      backend.matmul(Float32Array.of(1, 2, 3, 4, 5, 6), bStoredTransposed, { m: 2, k: 3, n: 2, transposeB: true })
    ).toEqual(expected);
    expect(
      backend.matmul(aStoredTransposed, bStoredTransposed, { m: 2, k: 3, n: 2, transposeA: true, transposeB: true })
    ).toEqual(expected);
  });

  it('gives an all-zero m×n result when k = 0', () => {
    expect(backend.matmul(new Float32Array(0), new Float32Array(0), { m: 2, k: 0, n: 3 })).toEqual(new Float32Array(6));
  });

  test.prop([productOperands, fc.boolean(), fc.boolean()])(
    'with transposes equals the product of explicitly transposed inputs',
    ({ m, k, n, a, b }, transposeA, transposeB) => {
      const plain = backend.matmul(a, b, { m, k, n });
      const aStored = transposeA ? explicitTranspose(a, m, k) : a;
      const bStored = transposeB ? explicitTranspose(b, k, n) : b;
      expect(backend.matmul(aStored, bStored, { m, k, n, transposeA, transposeB })).toEqual(plain);
    }
  );

  test.prop([productOperands])('agrees with a float64 triple loop', ({ m, k, n, a, b }) => {
    const c = backend.matmul(a, b, { m, k, n });
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let exact = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) {
          exact += a[i * k + p]! * b[p * n + j]!;
          magnitude += Math.abs(a[i * k + p]! * b[p * n + j]!);
        }
        // One float32 rounding of a float64 sum: relative 2^-24, plus half the smallest subnormal.
        expect(Math.abs(c[i * n + j]! - exact)).toBeLessThanOrEqual(magnitude * 2 ** -23 + 2 ** -149);
      }
    }
  });

  it('does not mutate its inputs', () => {
    const a = Float32Array.of(1, 2, 3, 4);
    const b = Float32Array.of(5, 6, 7, 8);
    backend.matmul(a, b, { m: 2, k: 2, n: 2, transposeA: true, transposeB: true });
    expect(a).toEqual(Float32Array.of(1, 2, 3, 4));
    expect(b).toEqual(Float32Array.of(5, 6, 7, 8));
  });
});
