import { checkGridDequantizeArguments, checkGridQuantizeArguments, type GridCodes } from '@fedtune/core';
import { GRID_DEQUANTIZE, GRID_QUANTIZE } from '../kernels/quantizeKernels.js';
import { UNDECIDED } from '../kernels/threadContext.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { gatherCalls } from '../runtime/outputs.js';
import { gpuFactor, MAX_FLOAT32 } from '../runtime/scalars.js';
import { gridCode, gridSpacing } from './hostDecisions.js';
import { hostReference } from './hostReference.js';

/**
 * A difference of two subnormals is below 2^-123; it vanishes from R + (x − c) in float64 once
 * R ≥ 2^-60, so elements whose x and c read as equal then share the code of x = c.
 */
const SUBNORMAL_INVISIBLE_RADIUS = 2 ** -60;

/**
 * Grid codes identical to the reference's. The host computes R = ‖x − c‖∞ in float64 (as the
 * reference does); the GPU computes each code in float32 and marks those within the error margin
 * of a grid boundary, which the host computes in float64. Runs wholly on the host, by the
 * reference, when R exceeds float32's range (x − c would overflow), when (2^bits − 1)/R is not a
 * normal float32, or when R is so small (below about 2^-110) that subnormal inputs could move
 * every code.
 */
export function gridQuantize(context: GpuContext, x: Float32Array, center: Float32Array, bits: number): GridCodes {
  checkGridQuantizeArguments(x, center, bits);
  let radius = 0;
  for (let i = 0; i < x.length; i++) radius = Math.max(radius, Math.abs(x[i]! - center[i]!));
  if (radius === 0) return { radius, codes: new Uint32Array(x.length) };
  const largestCode = 2 ** bits - 1;
  // o = (x − c)/(2τR); each input read as zero instead of a subnormal moves it by at most
  // 2^-126/(2τR).
  const inverseSpacing = largestCode / (2 * radius);
  const slack = 2 ** -124 * inverseSpacing;
  const factor = gpuFactor(inverseSpacing);
  if (radius > MAX_FLOAT32 || factor === undefined || slack >= 0.25) return hostReference.gridQuantize(x, center, bits);
  const spacing = gridSpacing(radius, bits);
  const centerCode = gridCode(0, 0, radius, spacing, largestCode);
  const centerCodeValid = radius >= SUBNORMAL_INVISIBLE_RADIUS ? 1 : 0;
  const decided = gatherCalls(x.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(
      GRID_QUANTIZE,
      [end - start],
      [
        x.subarray(start, end),
        center.subarray(start, end),
        factor,
        2 ** (bits - 1),
        slack,
        largestCode,
        centerCode,
        centerCodeValid,
      ]
    )
  );
  const codes = new Uint32Array(x.length);
  for (let i = 0; i < codes.length; i++) {
    const code = decided[i]!;
    codes[i] = code === UNDECIDED ? gridCode(x[i]!, center[i]!, radius, spacing, largestCode) : code;
  }
  return { radius, codes };
}

/**
 * center − R + 2τR·code on the GPU in float32; on the host, by the reference, when R or 2τR is not
 * a normal float32 (or R > 2^126, where code·2τR could overflow).
 */
export function gridDequantize(
  context: GpuContext,
  codes: GridCodes,
  center: Float32Array,
  bits: number
): Float32Array {
  checkGridDequantizeArguments(codes, center, bits);
  const spacing = gpuFactor(gridSpacing(codes.radius, bits));
  const radius = gpuFactor(codes.radius);
  if (spacing === undefined || radius === undefined || codes.radius > 2 ** 126) {
    return hostReference.gridDequantize(codes, center, bits);
  }
  return gatherCalls(center.length, context.threadsPerCall, ({ start, end }) =>
    context.runner.run(
      GRID_DEQUANTIZE,
      [end - start],
      [codes.codes.subarray(start, end), center.subarray(start, end), spacing, radius]
    )
  );
}
