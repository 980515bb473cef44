/**
 * The numeric kernels every plugin and the engine call. A backend is a set of pure functions over
 * `Float32Array`: inputs are never mutated, outputs are freshly allocated, and shapes are checked
 * at the boundary (a mismatch throws a `ShapeError` naming the argument).
 *
 * Integer outputs (quantisation codes, masks, packed bits) must be identical across backends for the
 * same inputs and seed; float outputs agree within the tolerances stated by the conformance kit.
 */
export interface Backend {
  /** Short engine name, e.g. `reference`, `gpujs:headless-gl`. */
  readonly name: string;

  /**
   * C = op(A)·op(B) where op(X) is X or Xᵀ. `m`, `k`, `n` describe the product after the
   * transposes: op(A) is m×k, op(B) is k×n, C is m×n. Storage is row-major.
   */
  matmul(a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array;
  /** alpha·x + y. */
  axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array;
  /** alpha·x. */
  scale(alpha: number, x: Float32Array): Float32Array;
  /** Σ_i weights[i]·vectors[i]; all vectors have one length. */
  weightedSum(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array;
  /** Σ x_i·y_i, accumulated in float64. */
  dot(x: Float32Array, y: Float32Array): number;
  /** Euclidean norm, accumulated in float64. */
  norm2(x: Float32Array): number;
  /** max |x_i| (0 for an empty vector). */
  normInf(x: Float32Array): number;
  /** n×n matrix of ‖r_i − r_j‖² between the rows of an n×d row-major matrix. */
  pairwiseSquaredEuclidean(rows: Float32Array, n: number, d: number): Float32Array;
  /** n×n matrix of cosine similarities between rows; a zero row has similarity 0 with every row but itself (1). */
  pairwiseCosine(rows: Float32Array, n: number, d: number): Float32Array;

  /**
   * QSGD with `levels` = s quantisation levels: code_i ∈ {−s..s}, |code_i| = ℓ or ℓ+1 where
   * ℓ = floor(s·|x_i|/‖x‖₂), rounded up with probability s·|x_i|/‖x‖₂ − ℓ using
   * `uniforms[i]` (one draw per element, from {@link counterUniforms}). Unbiased in expectation.
   */
  stochasticQuantize(x: Float32Array, levels: number, uniforms: Float32Array): StochasticCodes;
  /** norm · code_i / levels. */
  stochasticDequantize(codes: StochasticCodes, levels: number): Float32Array;

  /**
   * The LAQ/AQUILA deterministic grid centred on `center`: R = ‖x − center‖∞, τ = 1/(2^bits − 1),
   * code_i = floor((x_i − center_i + R + τR) / (2τR)) clamped to [0, 2^bits − 1].
   * The dequantised value lies within τR of x_i.
   */
  gridQuantize(x: Float32Array, center: Float32Array, bits: number): GridCodes;
  /** center_i − R + 2τR·code_i. */
  gridDequantize(codes: GridCodes, center: Float32Array, bits: number): Float32Array;

  /** 1 for the k entries of largest |x_i| (ties to the lower index), else 0. */
  topKMask(x: Float32Array, k: number): Uint8Array;
  /** 1 where |x_i| ≥ threshold, else 0. */
  magnitudeMask(x: Float32Array, threshold: number): Uint8Array;
  /** x_i where mask_i = 1, else 0. */
  maskedApply(x: Float32Array, mask: Uint8Array): Float32Array;

  /** Packs each code's low `bitsPerCode` bits, LSB-first, into ceil(n·bits/8) bytes. */
  packBits(codes: Uint32Array, bitsPerCode: number): Uint8Array;
  /** Inverse of {@link Backend.packBits} for `count` codes. */
  unpackBits(bytes: Uint8Array, bitsPerCode: number, count: number): Uint32Array;
}

/** Shape of a matmul after transposes; see {@link Backend.matmul}. */
export interface MatmulShape {
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

/** QSGD output: the vector's 2-norm and one signed level per element. */
export interface StochasticCodes {
  norm: number;
  codes: Int32Array;
}

/** Grid-quantiser output: the radius R and one unsigned code per element. */
export interface GridCodes {
  radius: number;
  codes: Uint32Array;
}
