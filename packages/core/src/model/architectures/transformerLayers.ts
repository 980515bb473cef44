/**
 * The fixed glue of the transformers: layer and RMS norm, GELU and SiLU, the causal mask, multi-head
 * attention and the read-out position.
 * Each is composed of kernels whose gradients `tfGradients.ts` registers, so autodiff reaches
 * adapters through them on every tfjs backend.
 */
import * as tf from '@tensorflow/tfjs-core';

/** PyTorch's `nn.LayerNorm` default epsilon. */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Layer norm over the last axis with scale `gamma` and shift `beta` (both `[features]`); `epsilon`
 * is added to the variance (a checkpoint's own, such as GPT-2's `layer_norm_epsilon`).
 */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, epsilon = LAYER_NORM_EPSILON): T {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/**
 * GELU in its tanh form (PyTorch's `gelu(approximate='tanh')`, GPT-2's), which needs no erf
 * gradient. It is computed as x·σ(2u), equal to ½x(1 + tanh u), because the wasm backend's sigmoid
 * is several times faster than its tanh.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  const cubic = tf.mul(tf.mul(tf.mul(x, x), x), 0.044715);
  return tf.mul(x, tf.sigmoid(tf.mul(tf.add(x, cubic), 2 * GELU_SCALE)));
}

/**
 * Root-mean-square norm over the last axis with scale `weight` (`[features]`), LLaMA's `RMSNorm`:
 * x·rsqrt(mean(x²) + epsilon)·weight, without centring or shift.
 */
export function rmsNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor, epsilon: number): T {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, epsilon))), weight);
}

/** SiLU (swish), x·σ(x): the activation of LLaMA's gated MLP. */
export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

/** Large enough that softmax gives a masked score exactly zero weight, small enough to stay finite in float32. */
const MASKED = -1e9;

/** `[length, length]` additive mask: 0 where position j ≤ i may be attended to, a large negative number after. */
export function causalMask(length: number): tf.Tensor2D {
  const values = new Float32Array(length * length);
  for (let i = 0; i < length; i++) values.fill(MASKED, i * length + i + 1, (i + 1) * length);
  return tf.tensor2d(values, [length, length]);
}

/**
 * Row indices into `[batch·length, features]` of each example's last non-pad position (position 0
 * for an all-pad row), from token ids `[batch, length]`.
 */
export function lastPositionRows(ids: tf.Tensor2D, padToken: number): tf.Tensor1D {
  const [batch, length] = ids.shape;
  const lengths = tf.sum(tf.cast(tf.notEqual(ids, padToken), 'int32'), 1);
  const last = tf.maximum(tf.sub(lengths, tf.scalar(1, 'int32')), tf.scalar(0, 'int32'));
  return tf.cast(tf.add(tf.mul(tf.range(0, batch, 1, 'int32'), tf.scalar(length, 'int32')), last), 'int32') as tf.Tensor1D;
}

/**
 * `[batch·length, heads·headSize]` (example-major) → `[batch, heads, length, headSize]`, or with
 * `keysLast` `[batch, heads, headSize, length]`, the keys' layout for the score product.
 */
export function splitHeads(x: tf.Tensor2D, batch: number, length: number, heads: number, keysLast = false): tf.Tensor4D {
  const headSize = (x.shape[1] as number) / heads;
  return tf.transpose(tf.reshape(x, [batch, length, heads, headSize]), keysLast ? [0, 2, 3, 1] : [0, 2, 1, 3]);
}

/** `[batch, heads, length, headSize]` → `[batch·length, heads·headSize]`, the inverse of {@link splitHeads}. */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor2D {
  const [batch, heads, length, headSize] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch * length, heads * headSize]);
}

/** The sizes {@link causalSelfAttention} works in, and the mask it adds. */
export interface AttentionShape {
  readonly batch: number;
  readonly length: number;
  readonly heads: number;
  /** {@link causalMask} of `length`, made once per forward and shared by every block. */
  readonly mask: tf.Tensor2D;
  /** Factor of the scores: 1/√(head width), or 1 for a model that leaves them unscaled. */
  readonly scale: number;
}

/**
 * Causal multi-head self-attention from projected queries, keys and values, each
 * `[batch·length, heads·headSize]`, to the heads' outputs side by side, same shape, ready for the
 * output projection: softmax(scale·q·kᵀ + mask)·v per head.
 */
export function causalSelfAttention(
  queries: tf.Tensor2D,
  keys: tf.Tensor2D,
  values: tf.Tensor2D,
  shape: AttentionShape
): tf.Tensor2D {
  return attend(queries, shape.length, keys, values, shape.mask, shape);
}

/**
 * softmax(scale·q·kᵀ + mask)·v per head, for `queryLength` query rows per example (`queries`
 * `[batch·queryLength, heads·headSize]`) over every position's keys and values; `mask` broadcasts
 * over the scores `[batch, heads, queryLength, length]`.
 */
function attend(
  queries: tf.Tensor2D,
  queryLength: number,
  keys: tf.Tensor2D,
  values: tf.Tensor2D,
  mask: tf.Tensor,
  shape: AttentionShape
): tf.Tensor2D {
  const { batch, length, heads, scale } = shape;
  // Scaling queries before the product touches length·headSize values instead of length².
  const q = splitHeads(scale === 1 ? queries : tf.mul(queries, scale), batch, queryLength, heads);
  const k = splitHeads(keys, batch, length, heads, true);
  const v = splitHeads(values, batch, length, heads);
  const weights = tf.softmax(tf.add(tf.matMul(q, k), mask));
  return mergeHeads(tf.matMul(weights, v));
}

/**
 * Rows `rows` of a frozen embedding table, kept off the gradient tape as `frozenLinear` keeps the
 * frozen weights: taped, tfjs would save the gather's inputs for a backward pass by cloning them,
 * and the wasm backend clones by copying, which is the whole table (150 MB at GPT-2 small) every
 * training step, though no gradient ever reaches a frozen table or token ids.
 */
export function frozenRows(table: tf.Tensor, rows: tf.Tensor): tf.Tensor {
  const gather = tf.customGrad((indices) => ({
    value: tf.gather(table, indices as tf.Tensor),
    // Never asked for: nothing trainable lies before the embedding.
    gradFunc: () => tf.zerosLike(indices as tf.Tensor),
  }));
  return gather(rows);
}

/**
 * Rows `rows` of {@link causalSelfAttention}'s output, computed from those rows' queries alone:
 * `queries` `[batch, heads·headSize]` holds one query row per example (row `rows[b]` of the stream,
 * which lies in example b), attending causally over every position's `keys` and `values`
 * (`[batch·length, heads·headSize]`). A classifier reads one position, so its last block needs no
 * other query.
 */
export function readOutAttention(
  queries: tf.Tensor2D,
  keys: tf.Tensor2D,
  values: tf.Tensor2D,
  rows: tf.Tensor1D,
  shape: AttentionShape
): tf.Tensor2D {
  const { batch, length, mask } = shape;
  // Each query's own causal mask row, broadcast over the heads.
  const positions = tf.mod(tf.cast(rows, 'int32'), tf.scalar(length, 'int32'));
  return attend(queries, 1, keys, values, tf.reshape(tf.gather(mask, positions), [batch, 1, 1, length]), shape);
}
