import {
  checkAxpyArguments,
  checkMaskedApplyArguments,
  checkScaleArguments,
  checkWeightedSumArguments,
} from '@fedtune/core';
import { AXPY, MASKED_APPLY, SCALE, WEIGHTED_SUM } from '../kernels/vectorKernels.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { gatherCalls } from '../runtime/outputs.js';
import { gpuFactor } from '../runtime/scalars.js';
import { hostReference } from './hostReference.js';

/**
 * alpha·x + y on the GPU in float32. An alpha that is not a normal float32 (|alpha| < 2^-126 or
 * > 2^127) cannot be one shader factor, so that call runs on the host, by the reference.
 */
export function axpy(context: GpuContext, alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  checkAxpyArguments(alpha, x, y);
  const factor = gpuFactor(alpha);
  if (factor === undefined) return hostReference.axpy(alpha, x, y);
  return gatherCalls(x.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(AXPY, [end - start], [x.subarray(start, end), y.subarray(start, end), factor])
  );
}

/** alpha·x on the GPU in float32; on the host, by the reference, for an alpha that is not a normal float32. */
export function scale(context: GpuContext, alpha: number, x: Float32Array): Float32Array {
  checkScaleArguments(alpha, x);
  const factor = gpuFactor(alpha);
  if (factor === undefined) return hostReference.scale(alpha, x);
  return gatherCalls(x.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(SCALE, [end - start], [x.subarray(start, end), factor])
  );
}

/**
 * Σ_v w_v·x_v on the GPU, accumulated in float32 in vector order. The host stacks each call's
 * slices of all vectors into one upload, so a call covers as many elements as fit one texture.
 * On the host, by the reference, when a weight is not a normal float32.
 */
export function weightedSum(
  context: GpuContext,
  vectors: readonly Float32Array[],
  weights: readonly number[]
): Float32Array {
  checkWeightedSumArguments(vectors, weights);
  const factors = weights.map(gpuFactor);
  if (factors.includes(undefined)) return hostReference.weightedSum(vectors, weights);
  const gpuWeights = Float32Array.from(factors as number[]);
  const perCall = Math.max(1, Math.min(context.threadsPerCall, Math.floor(context.valuesPerUpload / vectors.length)));
  return gatherCalls(vectors[0]!.length, perCall, ({ start, end }) => {
    const length = end - start;
    const stack = new Float32Array(length * vectors.length);
    vectors.forEach((vector, v) => stack.set(vector.subarray(start, end), v * length));
    return context.runner.run(WEIGHTED_SUM, [length], [stack, gpuWeights, vectors.length, length]);
  });
}

/** x where mask is 1, else 0, on the GPU (a selection, exact). */
export function maskedApply(context: GpuContext, x: Float32Array, mask: Uint8Array): Float32Array {
  checkMaskedApplyArguments(x, mask);
  return gatherCalls(x.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(MASKED_APPLY, [end - start], [x.subarray(start, end), mask.subarray(start, end)])
  );
}
