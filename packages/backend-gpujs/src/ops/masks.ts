import { checkMagnitudeMaskArguments } from '@fedtune/core';
import { MAGNITUDE_CLASS } from '../kernels/maskKernels.js';
import { UNDECIDED } from '../kernels/threadContext.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { gatherCalls } from '../runtime/outputs.js';
import { float32AtLeast, MAX_FLOAT32, MIN_NORMAL_FLOAT32 } from '../runtime/scalars.js';

/**
 * 1 where |x_i| ≥ threshold, identical to the reference. The float64 threshold is replaced by the
 * smallest float32 at or above it, which orders float32 magnitudes exactly as the threshold does,
 * and the GPU compares normal magnitudes. Zero and subnormal magnitudes (which a GPU may read as 0)
 * take a class the host derives from the threshold, or — only for a subnormal threshold — are
 * compared on the host. A threshold above float32's range keeps nothing, decided on the host.
 */
export function magnitudeMask(context: GpuContext, x: Float32Array, threshold: number): Uint8Array {
  checkMagnitudeMaskArguments(x, threshold);
  if (threshold > MAX_FLOAT32) return new Uint8Array(x.length);
  const gpuThreshold = threshold <= 0 ? 0 : float32AtLeast(threshold);
  const tinyClass = threshold <= 0 ? 1 : gpuThreshold >= MIN_NORMAL_FLOAT32 ? 0 : UNDECIDED;
  const classes = gatherCalls(x.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(MAGNITUDE_CLASS, [end - start], [x.subarray(start, end), gpuThreshold, tinyClass])
  );
  const mask = new Uint8Array(x.length);
  for (let i = 0; i < mask.length; i++) {
    const decided = classes[i]!;
    mask[i] = decided === UNDECIDED ? (Math.abs(x[i]!) >= threshold ? 1 : 0) : decided;
  }
  return mask;
}
