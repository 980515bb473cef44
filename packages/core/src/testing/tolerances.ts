/**
 * How far a backend's float results may lie from the exact (float64) value, per kernel. The
 * bounds are what float32 GPU arithmetic guarantees, with a margin: u = 2^-24 is float32's unit
 * roundoff; terms in 2^-12x cover GPUs that flush subnormal inputs and results to zero. The
 * reference meets them with room to spare. The same rules are the table in the gpujs backend's
 * README.
 */
import type { GridCodes, MatmulShape, StochasticCodes } from '../contracts/backend.js';
import { MIN_NORMAL_FLOAT32 } from './values.js';

/** The rule of each float kernel, as documentation and test names read it. */
export const FLOAT_TOLERANCES = {
  matmul: '|Δ_ij| ≤ (k+2)·2^-23·Σ_p|a_ip·b_pj| + 2^-125·(Σ_p(|a_ip|+|b_pj|) + k)',
  axpy: '|Δ_i| ≤ 2^-21·(|α·x_i| + |y_i|) + 2^-124·(1 + |α|)',
  scale: '|Δ_i| ≤ 2^-21·|α·x_i| + 2^-124·(1 + |α|)',
  weightedSum: '|Δ_i| ≤ (V+4)·2^-23·Σ_v|w_v·x_vi| + 2^-124·(V + Σ_v|w_v|)',
  dot: '|Δ| ≤ 2^-16·Σ|x_i·y_i| + 2^-120·(max(1,‖x‖∞)·‖y‖₁ + max(1,‖y‖∞)·‖x‖₁)',
  norm2: '|Δ| ≤ 2^-16·‖x‖₂ + √(2^-119·max(1,‖x‖∞)·‖x‖₁)',
  normInf: 'exact; a largest magnitude below 2^-126 may read as 0',
  pairwiseSquaredEuclidean: '|Δ_ij| ≤ (d+2)·2^-23·‖r_i − r_j‖² + d·2^-120·max|r|² + 2^-126',
  pairwiseCosine: '|Δ_ij| ≤ (d+4)·2^-22 + 2^-100; diagonal exactly 1',
  stochasticDequantize: '|Δ_i| ≤ 2^-21·|norm·code_i/levels| + 2^-125',
  gridDequantize: '|Δ_i| ≤ 2^-20·(|center_i| + R) + 2^-120',
  maskedApply: 'exact; a kept subnormal may read as 0',
} as const;

/** A float kernel with a tolerance rule. */
export type FloatKernel = keyof typeof FLOAT_TOLERANCES;

/** The exact value of each output entry (computed in float64) and how far a backend may be from it. */
export interface Expectation {
  exact: Float64Array;
  bound: Float64Array;
}

/** C = op(A)·op(B) in float64, with the {@link FLOAT_TOLERANCES}.matmul bound per entry. */
export function matmulExpectation(a: Float32Array, b: Float32Array, shape: MatmulShape): Expectation {
  const { m, k, n } = shape;
  const aAt = (i: number, p: number): number => (shape.transposeA === true ? a[p * m + i]! : a[i * k + p]!);
  const bAt = (p: number, j: number): number => (shape.transposeB === true ? b[j * k + p]! : b[p * n + j]!);
  const exact = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let magnitude = 0;
      let entries = 0;
      for (let p = 0; p < k; p++) {
        sum += aAt(i, p) * bAt(p, j);
        magnitude += Math.abs(aAt(i, p) * bAt(p, j));
        entries += Math.abs(aAt(i, p)) + Math.abs(bAt(p, j));
      }
      exact[i * n + j] = sum;
      bound[i * n + j] = (k + 2) * 2 ** -23 * magnitude + 2 ** -125 * (entries + k);
    }
  }
  return { exact, bound };
}

/** alpha·x + y in float64. */
export function axpyExpectation(alpha: number, x: Float32Array, y: Float32Array): Expectation {
  return elementwise(x.length, (i) => {
    const product = alpha * x[i]!;
    return [product + y[i]!, 2 ** -21 * (Math.abs(product) + Math.abs(y[i]!)) + 2 ** -124 * (1 + Math.abs(alpha))];
  });
}

/** alpha·x in float64. */
export function scaleExpectation(alpha: number, x: Float32Array): Expectation {
  return elementwise(x.length, (i) => {
    const product = alpha * x[i]!;
    return [product, 2 ** -21 * Math.abs(product) + 2 ** -124 * (1 + Math.abs(alpha))];
  });
}

/** Σ_v w_v·x_v in float64. */
export function weightedSumExpectation(vectors: readonly Float32Array[], weights: readonly number[]): Expectation {
  const count = vectors.length;
  const weightSum = weights.reduce((sum, w) => sum + Math.abs(w), 0);
  return elementwise(vectors[0]?.length ?? 0, (i) => {
    let sum = 0;
    let magnitude = 0;
    vectors.forEach((vector, v) => {
      sum += weights[v]! * vector[i]!;
      magnitude += Math.abs(weights[v]! * vector[i]!);
    });
    return [sum, (count + 4) * 2 ** -23 * magnitude + 2 ** -124 * (count + weightSum)];
  });
}

/** Σ x_i·y_i in float64. */
export function dotExpectation(x: Float32Array, y: Float32Array): Expectation {
  let sum = 0;
  let magnitude = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i]! * y[i]!;
    magnitude += Math.abs(x[i]! * y[i]!);
  }
  const slack = 2 ** -120 * (Math.max(1, normInfOf(x)) * norm1Of(y) + Math.max(1, normInfOf(y)) * norm1Of(x));
  return single(sum, 2 ** -16 * magnitude + slack);
}

/** ‖x‖₂ in float64. */
export function norm2Expectation(x: Float32Array): Expectation {
  let sumOfSquares = 0;
  for (const value of x) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  return single(norm, 2 ** -16 * norm + Math.sqrt(2 ** -119 * Math.max(1, normInfOf(x)) * norm1Of(x)));
}

/** max |x_i|. */
export function normInfExpectation(x: Float32Array): Expectation {
  const largest = normInfOf(x);
  return single(largest, largest < MIN_NORMAL_FLOAT32 ? MIN_NORMAL_FLOAT32 : 0);
}

/** ‖r_i − r_j‖² in float64. */
export function pairwiseSquaredEuclideanExpectation(rows: Float32Array, n: number, d: number): Expectation {
  const largest = normInfOf(rows);
  return pairwise(n, (i, j) => {
    let sum = 0;
    for (let t = 0; t < d; t++) sum += (rows[i * d + t]! - rows[j * d + t]!) ** 2;
    // The last term: a float32 result below 2^-126 may be flushed to zero.
    return [sum, (d + 2) * 2 ** -23 * sum + d * 2 ** -120 * largest * largest + MIN_NORMAL_FLOAT32];
  });
}

/** Cosine similarities in float64 (zero rows 0 off the diagonal, diagonal 1). */
export function pairwiseCosineExpectation(rows: Float32Array, n: number, d: number): Expectation {
  const rowDot = (i: number, j: number): number => {
    let sum = 0;
    for (let t = 0; t < d; t++) sum += rows[i * d + t]! * rows[j * d + t]!;
    return sum;
  };
  const norms = Array.from({ length: n }, (_, i) => Math.sqrt(rowDot(i, i)));
  return pairwise(n, (i, j) => {
    if (i === j) return [1, 0];
    const normProduct = norms[i]! * norms[j]!;
    const cosine = normProduct === 0 ? 0 : Math.min(1, Math.max(-1, rowDot(i, j) / normProduct));
    return [cosine, (d + 4) * 2 ** -22 + 2 ** -100];
  });
}

/** norm·code/levels in float64. */
export function stochasticDequantizeExpectation(codes: StochasticCodes, levels: number): Expectation {
  return elementwise(codes.codes.length, (i) => {
    const value = (codes.norm * codes.codes[i]!) / levels;
    return [value, 2 ** -21 * Math.abs(value) + 2 ** -125];
  });
}

/** center_i − R + 2τR·code_i in float64. */
export function gridDequantizeExpectation(codes: GridCodes, center: Float32Array, bits: number): Expectation {
  const spacing = (2 * codes.radius) / (2 ** bits - 1);
  return elementwise(center.length, (i) => [
    center[i]! - codes.radius + spacing * codes.codes[i]!,
    2 ** -20 * (Math.abs(center[i]!) + codes.radius) + 2 ** -120,
  ]);
}

/** x_i where mask_i = 1, else 0. */
export function maskedApplyExpectation(x: Float32Array, mask: Uint8Array): Expectation {
  return elementwise(x.length, (i) => {
    const kept = mask[i] === 1 ? x[i]! : 0;
    return [kept, Math.abs(kept) < MIN_NORMAL_FLOAT32 ? MIN_NORMAL_FLOAT32 : 0];
  });
}

function elementwise(length: number, entry: (i: number) => [number, number]): Expectation {
  const exact = new Float64Array(length);
  const bound = new Float64Array(length);
  for (let i = 0; i < length; i++) [exact[i], bound[i]] = entry(i);
  return { exact, bound };
}

function pairwise(n: number, entry: (i: number, j: number) => [number, number]): Expectation {
  const exact = new Float64Array(n * n);
  const bound = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) [exact[i * n + j], bound[i * n + j]] = entry(i, j);
  }
  return { exact, bound };
}

function single(exact: number, bound: number): Expectation {
  return { exact: Float64Array.of(exact), bound: Float64Array.of(bound) };
}

function normInfOf(x: Float32Array): number {
  let largest = 0;
  for (const value of x) largest = Math.max(largest, Math.abs(value));
  return largest;
}

function norm1Of(x: Float32Array): number {
  let sum = 0;
  for (const value of x) sum += Math.abs(value);
  return sum;
}
