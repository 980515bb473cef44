import { type Backend, counterUniforms, type RandomKey } from '@fedtune/core';

/** Points projected on their first two principal components. */
export interface PlaneProjection {
  /** [PC1 score, PC2 score] of each point. */
  coordinates: Array<[number, number]>;
  /** Share of the total variance along each of the two components. */
  explainedVariance: [number, number];
}

const POWER_ITERATIONS = 1000;
const CONVERGED = 1e-10;

/**
 * PCA of n points (rows of an n×d row-major matrix) onto two dimensions through the small n×n Gram
 * matrix of the centred rows (computed by the backend's matmul): its two leading eigenpairs, found
 * by power iteration with deflation, give the scores √λ·v. Each component's sign makes its largest
 * entry (lowest index on ties) positive, so projections of similar point sets look alike.
 * Power iteration starts from draws of `random`.
 */
export function principalPlane(rows: Float32Array, n: number, dimension: number, backend: Backend, random: RandomKey): PlaneProjection {
  if (rows.length !== n * dimension) {
    throw new RangeError(`principalPlane: rows has ${rows.length} entries, expected ${n}×${dimension}`);
  }
  const points = Array.from({ length: n }, (_, i) => rows.subarray(i * dimension, (i + 1) * dimension));
  const mean = backend.weightedSum(points, new Array<number>(n).fill(1 / n));
  const centred = new Float32Array(n * dimension);
  points.forEach((point, i) => centred.set(backend.axpy(-1, mean, point), i * dimension));
  const gram = Float64Array.from(backend.matmul(centred, centred, { m: n, k: dimension, n, transposeB: true }));
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i] as number;

  const components = [0, 1].map((component) => {
    const start = counterUniforms(random, n, component * n);
    const { value, vector } = leadingEigenpair(gram, n, Float64Array.from(start, (u) => u - 0.5));
    // Deflate so the next power iteration finds the second component.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) gram[i * n + j] = (gram[i * n + j] as number) - value * (vector[i] as number) * (vector[j] as number);
    }
    return { value, vector: withPositiveLargestEntry(vector) };
  });
  const [first, second] = components as [(typeof components)[0], (typeof components)[0]];
  return {
    coordinates: Array.from({ length: n }, (_, i) => [
      Math.sqrt(first.value) * (first.vector[i] as number),
      Math.sqrt(second.value) * (second.vector[i] as number),
    ]),
    explainedVariance: trace > 0 ? [first.value / trace, second.value / trace] : [0, 0],
  };
}

/** Power iteration on a symmetric positive semi-definite n×n matrix; a zero matrix gives λ = 0, v = 0. */
function leadingEigenpair(matrix: Float64Array, n: number, start: Float64Array): { value: number; vector: Float64Array } {
  let vector = normalised(start);
  for (let iteration = 0; iteration < POWER_ITERATIONS && vector.some((x) => x !== 0); iteration++) {
    const next = normalised(multiply(matrix, n, vector));
    const change = next.reduce((sum, x, i) => sum + (x - (vector[i] as number)) ** 2, 0);
    vector = next;
    if (change < CONVERGED) break;
  }
  const value = multiply(matrix, n, vector).reduce((sum, x, i) => sum + x * (vector[i] as number), 0);
  return value > 0 ? { value, vector } : { value: 0, vector: new Float64Array(n) };
}

function multiply(matrix: Float64Array, n: number, vector: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (matrix[i * n + j] as number) * (vector[j] as number);
    out[i] = sum;
  }
  return out;
}

function normalised(vector: Float64Array): Float64Array {
  const norm = Math.hypot(...vector);
  return norm > 0 ? vector.map((x) => x / norm) : new Float64Array(vector.length);
}

function withPositiveLargestEntry(vector: Float64Array): Float64Array {
  let largest = 0;
  vector.forEach((x, i) => {
    if (Math.abs(x) > Math.abs(vector[largest] as number) * (1 + 1e-9)) largest = i;
  });
  return (vector[largest] as number) < 0 ? vector.map((x) => -x) : vector;
}
