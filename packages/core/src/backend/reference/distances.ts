import { checkPairwiseArguments } from '../kernelArgumentChecks.js';
import { uncheckedDot } from './reductions.js';

/**
 * n×n matrix of ‖r_i − r_j‖² between the rows of a row-major n×d matrix; see
 * `Backend.pairwiseSquaredEuclidean`. Each entry sums squared differences directly (not
 * ‖a‖² + ‖b‖² − 2a·b, which cancels), so the diagonal is exactly 0 and no entry is negative;
 * each pair is computed once and mirrored, so the matrix is exactly symmetric.
 */
export function pairwiseSquaredEuclidean(rows: Float32Array, n: number, d: number): Float32Array {
  checkPairwiseArguments('pairwiseSquaredEuclidean', rows, n, d);
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < d; t++) {
        const difference = rows[i * d + t]! - rows[j * d + t]!;
        sum += difference * difference;
      }
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/**
 * n×n matrix of cosine similarities between rows; see `Backend.pairwiseCosine`. A zero row has
 * similarity 0 with every other row; the diagonal is exactly 1 (zero rows included). Rounding can
 * push |cos| a hair above 1, so entries are clamped to [−1, 1]; the matrix is exactly symmetric.
 */
export function pairwiseCosine(rows: Float32Array, n: number, d: number): Float32Array {
  checkPairwiseArguments('pairwiseCosine', rows, n, d);
  const row = (i: number): Float32Array => rows.subarray(i * d, (i + 1) * d);
  const norms = Array.from({ length: n }, (_, i) => Math.sqrt(uncheckedDot(row(i), row(i))));
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      const normProduct = norms[i]! * norms[j]!;
      const similarity = normProduct === 0 ? 0 : uncheckedDot(row(i), row(j)) / normProduct;
      const clamped = Math.min(1, Math.max(-1, similarity));
      out[i * n + j] = clamped;
      out[j * n + i] = clamped;
    }
  }
  return out;
}
