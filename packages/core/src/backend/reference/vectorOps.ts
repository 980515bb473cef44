import { checkAxpyArguments, checkScaleArguments, checkWeightedSumArguments } from '../kernelArgumentChecks.js';

/** alpha·x + y, each element rounded once to float32; see `Backend.axpy`. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  checkAxpyArguments(alpha, x, y);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i]! + y[i]!;
  return out;
}

/** alpha·x; see `Backend.scale`. */
export function scale(alpha: number, x: Float32Array): Float32Array {
  checkScaleArguments(alpha, x);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i]!;
  return out;
}

/**
 * Σ_v weights[v]·vectors[v]; see `Backend.weightedSum`. Each element sums its contributions in
 * float64 and is rounded to float32 once, so aggregating hundreds of clients loses no precision
 * to intermediate rounding.
 */
export function weightedSum(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  checkWeightedSumArguments(vectors, weights);
  const out = new Float32Array(vectors[0]!.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let v = 0; v < vectors.length; v++) sum += weights[v]! * vectors[v]![i]!;
    out[i] = sum;
  }
  return out;
}
