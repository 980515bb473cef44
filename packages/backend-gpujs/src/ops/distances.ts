import { checkPairwiseArguments } from '@fedtune/core';
import { PAIRWISE_COSINE, PAIRWISE_SQUARED_DISTANCE } from '../kernels/matrixKernels.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { gatherTiles } from '../runtime/outputs.js';
import { prescale } from '../runtime/prescale.js';
import { binaryExponent } from '../runtime/scalars.js';
import { maxAbs } from './reductions.js';

/**
 * ‖r_i − r_j‖² on the GPU: float32 sums of squared differences. Rows whose largest magnitude lies
 * outside 2^±60 are first scaled by a power of two on the host (see prescale), which the host
 * undoes in float64. Exactly symmetric with an exactly zero diagonal.
 */
export function pairwiseSquaredEuclidean(context: GpuContext, rows: Float32Array, n: number, d: number): Float32Array {
  checkPairwiseArguments('pairwiseSquaredEuclidean', rows, n, d);
  if (n === 0 || d === 0) return new Float32Array(n * n);
  const { values, exponent } = prescale(rows, maxAbs(context, rows));
  const distances = gatherTiles(context, n, n, (rowRange, colRange) =>
    context.runner.run(
      PAIRWISE_SQUARED_DISTANCE,
      [colRange.end - colRange.start, rowRange.end - rowRange.start],
      [values, d, rowRange.start, colRange.start]
    )
  );
  if (exponent === 0) return distances;
  const unscale = 2 ** (-2 * exponent);
  return distances.map((value) => value * unscale);
}

/**
 * Cosine similarities on the GPU. The host computes each row's float64 norm and scales the row by
 * the power of two that brings its norm into [0.5, 1) (cosine does not change), so subnormal or
 * huge rows reach the GPU as ordinary float32; the GPU forms the float32 dot products and divides.
 * Zero rows have similarity 0 with every other row; the diagonal is exactly 1.
 */
export function pairwiseCosine(context: GpuContext, rows: Float32Array, n: number, d: number): Float32Array {
  checkPairwiseArguments('pairwiseCosine', rows, n, d);
  if (n === 0 || d === 0) return identity(n);
  const scaledRows = new Float32Array(n * d);
  const scaledNorms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows.subarray(i * d, (i + 1) * d);
    let sumOfSquares = 0;
    for (const value of row) sumOfSquares += value * value;
    const norm = Math.sqrt(sumOfSquares);
    if (norm === 0) continue;
    const rowScale = 2 ** -(binaryExponent(norm) + 1);
    for (let t = 0; t < d; t++) scaledRows[i * d + t] = row[t]! * rowScale;
    scaledNorms[i] = norm * rowScale;
  }
  return gatherTiles(context, n, n, (rowRange, colRange) =>
    context.runner.run(
      PAIRWISE_COSINE,
      [colRange.end - colRange.start, rowRange.end - rowRange.start],
      [scaledRows, scaledNorms, d, rowRange.start, colRange.start]
    )
  );
}

/** The n×n identity: the cosine matrix when every row is zero (its diagonal is 1 by definition). */
function identity(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
