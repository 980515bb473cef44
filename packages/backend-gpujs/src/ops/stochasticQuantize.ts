import {
  checkStochasticDequantizeArguments,
  checkStochasticQuantizeArguments,
  type StochasticCodes,
} from '@fedtune/core';
import { STOCHASTIC_DEQUANTIZE, STOCHASTIC_QUANTIZE } from '../kernels/quantizeKernels.js';
import { UNDECIDED } from '../kernels/threadContext.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { gatherCalls } from '../runtime/outputs.js';
import { gpuFactor } from '../runtime/scalars.js';
import { qsgdCode } from './hostDecisions.js';
import { hostReference } from './hostReference.js';

/** Above 2^22 levels the codes leave float32's exact integers (with room for UNDECIDED). */
const MAX_GPU_LEVELS = 2 ** 22;

/**
 * QSGD codes identical to the reference's. The host computes ‖x‖₂ in float64 (the reference's own
 * norm2, so the norm is bit-identical); the GPU decides each code in float32 and marks the few it
 * cannot decide exactly (within 2^-19 relative of a floor or draw boundary, or a zero read from a
 * possible subnormal whose draw is near 0), which the host then computes in float64.
 * Runs wholly on the host, by the reference, when levels > 2^22, or when levels/‖x‖₂ is not a
 * normal float32 or so large (‖x‖₂ < levels·2^-125) that every element would be undecided.
 */
export function stochasticQuantize(
  context: GpuContext,
  x: Float32Array,
  levels: number,
  uniforms: Float32Array
): StochasticCodes {
  checkStochasticQuantizeArguments(x, levels, uniforms);
  const norm = hostReference.norm2(x);
  if (norm === 0) return { norm, codes: new Int32Array(x.length) };
  // Each element read as zero instead of a subnormal moves p by at most 2^-126·levels/norm.
  const slack = 2 ** -125 * (levels / norm);
  const factor = gpuFactor(levels / norm);
  if (levels > MAX_GPU_LEVELS || factor === undefined || slack >= 1) {
    return hostReference.stochasticQuantize(x, levels, uniforms);
  }
  const decided = gatherCalls(x.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(
      STOCHASTIC_QUANTIZE,
      [end - start],
      [x.subarray(start, end), uniforms.subarray(start, end), factor, slack, levels]
    )
  );
  const codes = new Int32Array(x.length);
  for (let i = 0; i < codes.length; i++) {
    const code = decided[i]!;
    codes[i] = code === UNDECIDED ? qsgdCode(x[i]!, levels, norm, uniforms[i]!) : code;
  }
  return { norm, codes };
}

/**
 * norm·code/levels on the GPU in float32; on the host, by the reference, when norm/levels is not a
 * normal float32.
 */
export function stochasticDequantize(context: GpuContext, codes: StochasticCodes, levels: number): Float32Array {
  checkStochasticDequantizeArguments(codes, levels);
  const factor = gpuFactor(codes.norm / levels);
  if (factor === undefined) return hostReference.stochasticDequantize(codes, levels);
  return gatherCalls(codes.codes.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(STOCHASTIC_DEQUANTIZE, [end - start], [codes.codes.subarray(start, end), factor])
  );
}
