import type { MatmulShape } from '../../contracts/backend.js';
import { checkMatmulArguments } from '../kernelArgumentChecks.js';

/**
 * C = op(A)·op(B) over row-major storage; see `Backend.matmul`. Loops run i-k-j so the innermost
 * loop walks rows of op(B) and C contiguously, and each row of C accumulates in float64 before it
 * is rounded once to float32.
 */
export function matmul(a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array {
  checkMatmulArguments(a, b, shape);
  const { m, k, n } = shape;
  // A stored transposed is read one scalar per (i, p), which stays cheap; B stored transposed would
  // make the inner loop stride through memory, so it is laid out row-major once up front.
  const bRowMajor = shape.transposeB === true ? transpose(b, n, k) : b;
  const aAt =
    shape.transposeA === true
      ? (i: number, p: number): number => a[p * m + i]!
      : (i: number, p: number): number => a[i * k + p]!;
  const c = new Float32Array(m * n);
  const rowSum = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    rowSum.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = aAt(i, p);
      const bRow = p * n;
      for (let j = 0; j < n; j++) rowSum[j]! += aip * bRowMajor[bRow + j]!;
    }
    c.set(rowSum, i * n);
  }
  return c;
}

/** The transpose of a row-major rows×cols matrix, as a row-major cols×rows matrix. */
function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  }
  return out;
}
