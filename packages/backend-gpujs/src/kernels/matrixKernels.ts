import type { KernelSpec } from '../runtime/kernelRunner.js';
import type { ThreadContext } from './threadContext.js';

/* Matrix kernels compute one output tile per call: thread (x, y) is entry
   (rowStart + y, colStart + x). */

/**
 * op(A)(i,p) = a[i·aRowStride + p·aInnerStride], op(B)(p,j) = b[p·bInnerStride + j·bColStride]:
 * strides encode the transposes.
 */
function matmulSource(
  this: ThreadContext,
  a: Float32Array,
  b: Float32Array,
  k: number,
  rowStart: number,
  colStart: number,
  aRowStride: number,
  aInnerStride: number,
  bInnerStride: number,
  bColStride: number
): number {
  const aRow = (rowStart + this.thread.y) * aRowStride;
  const bCol = (colStart + this.thread.x) * bColStride;
  let sum = 0.0;
  for (let p = 0; p < k; p++) {
    sum += a[aRow + p * aInnerStride]! * b[p * bInnerStride + bCol]!;
  }
  return sum;
}

/**
 * Σ_t (r_it − r_jt)² over rows the host brought within 2^±60 (see prescale). Entry (j, i)
 * subtracts in the other order, which negates each difference exactly, so the matrix is exactly
 * symmetric and its diagonal exactly zero.
 */
function pairwiseSquaredDistanceSource(
  this: ThreadContext,
  rows: Float32Array,
  d: number,
  rowStart: number,
  colStart: number
): number {
  const iOffset = (rowStart + this.thread.y) * d;
  const jOffset = (colStart + this.thread.x) * d;
  let sum = 0.0;
  for (let t = 0; t < d; t++) {
    const difference = rows[iOffset + t]! - rows[jOffset + t]!;
    sum += difference * difference;
  }
  return sum;
}

/**
 * Cosine between rows the host has scaled to norms in [0.5, 1] (`norms` holds the scaled norms,
 * 0 for a zero row). Products commute exactly, so the matrix is exactly symmetric.
 */
function pairwiseCosineSource(
  this: ThreadContext,
  rows: Float32Array,
  norms: Float32Array,
  d: number,
  rowStart: number,
  colStart: number
): number {
  const i = rowStart + this.thread.y;
  const j = colStart + this.thread.x;
  if (i === j) return 1.0;
  const normProduct = norms[i]! * norms[j]!;
  if (normProduct === 0) return 0.0;
  let sum = 0.0;
  for (let t = 0; t < d; t++) {
    sum += rows[i * d + t]! * rows[j * d + t]!;
  }
  return Math.min(1.0, Math.max(-1.0, sum / normProduct));
}

/** C = op(A)·op(B), one tile. */
export const MATMUL: KernelSpec = {
  name: 'matmul',
  source: matmulSource as never,
  argumentTypes: {
    a: 'Array',
    b: 'Array',
    k: 'Integer',
    rowStart: 'Integer',
    colStart: 'Integer',
    aRowStride: 'Integer',
    aInnerStride: 'Integer',
    bInnerStride: 'Integer',
    bColStride: 'Integer',
  },
};

/** Squared distances between rows, one tile. */
export const PAIRWISE_SQUARED_DISTANCE: KernelSpec = {
  name: 'pairwiseSquaredDistance',
  source: pairwiseSquaredDistanceSource as never,
  argumentTypes: { rows: 'Array', d: 'Integer', rowStart: 'Integer', colStart: 'Integer' },
};

/** Cosine similarities between pre-scaled rows, one tile. */
export const PAIRWISE_COSINE: KernelSpec = {
  name: 'pairwiseCosine',
  source: pairwiseCosineSource as never,
  argumentTypes: { rows: 'Array', norms: 'Array', d: 'Integer', rowStart: 'Integer', colStart: 'Integer' },
};
