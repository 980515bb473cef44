import { checkDotArguments, checkNormArguments } from '@fedtune/core';
import { BLOCK_DOT, BLOCK_MAX_ABS } from '../kernels/reductionKernels.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { splitRange } from '../runtime/layout.js';
import { asVector } from '../runtime/outputs.js';
import { prescale } from '../runtime/prescale.js';

/**
 * Elements one thread reduces. Float32 partial sums of 64 terms keep the rounding error within
 * 64·2^-24 of Σ|x_i·y_i|; the host adds the partials in float64.
 */
const REDUCTION_BLOCK = 64;

/** max |x_i| on the GPU (exact for normal magnitudes; a subnormal maximum may read as 0). */
export function normInf(context: GpuContext, x: Float32Array): number {
  checkNormArguments('normInf', x);
  return maxAbs(context, x);
}

/**
 * Σ x_i·y_i: float32 block sums on the GPU, added in float64 on the host. Vectors whose largest
 * magnitude lies outside 2^±60 are first scaled by a power of two on the host (see prescale).
 */
export function dot(context: GpuContext, x: Float32Array, y: Float32Array): number {
  checkDotArguments(x, y);
  const xs = prescale(x, maxAbs(context, x));
  const ys = prescale(y, maxAbs(context, y));
  return blockDot(context, xs.values, ys.values) * 2 ** -(xs.exponent + ys.exponent);
}

/** ‖x‖₂ = √(x·x), from {@link dot}'s block sums. */
export function norm2(context: GpuContext, x: Float32Array): number {
  checkNormArguments('norm2', x);
  const xs = prescale(x, maxAbs(context, x));
  return Math.sqrt(blockDot(context, xs.values, xs.values)) * 2 ** -xs.exponent;
}

/** max |x_i| from per-block maxima computed on the GPU. */
export function maxAbs(context: GpuContext, x: Float32Array): number {
  let largest = 0;
  for (const { start, end } of blockCalls(context, x.length)) {
    const blocks = asVector(
      context.runner.run(
        BLOCK_MAX_ABS,
        [blockCount(end - start)],
        [x.subarray(start, end), end - start, REDUCTION_BLOCK]
      )
    );
    for (const value of blocks) largest = Math.max(largest, value);
  }
  return largest;
}

function blockDot(context: GpuContext, x: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (const { start, end } of blockCalls(context, x.length)) {
    const partials = asVector(
      context.runner.run(
        BLOCK_DOT,
        [blockCount(end - start)],
        [x.subarray(start, end), y.subarray(start, end), end - start, REDUCTION_BLOCK]
      )
    );
    for (const partial of partials) sum += partial;
  }
  return sum;
}

function blockCalls(context: GpuContext, length: number) {
  const perCall = Math.min(context.valuesPerUpload, context.threadsPerCall * REDUCTION_BLOCK);
  return splitRange(length, perCall, REDUCTION_BLOCK);
}

function blockCount(length: number): number {
  return Math.ceil(length / REDUCTION_BLOCK);
}
