import { checkMatmulArguments, type MatmulShape } from '@fedtune/core';
import { MATMUL } from '../kernels/matrixKernels.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { gatherTiles } from '../runtime/outputs.js';

/**
 * C = op(A)·op(B) on the GPU: one thread per entry of C accumulates its k products in float32.
 * Transposes become strides, so transposed operands are read in place rather than copied.
 */
export function matmul(context: GpuContext, a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array {
  checkMatmulArguments(a, b, shape);
  const { m, k, n } = shape;
  if (m * n === 0 || k === 0) return new Float32Array(m * n);
  const [aRowStride, aInnerStride] = shape.transposeA === true ? [1, m] : [k, 1];
  const [bInnerStride, bColStride] = shape.transposeB === true ? [1, k] : [n, 1];
  return gatherTiles(context, m, n, (rows, cols) =>
    context.runner.run(
      MATMUL,
      [cols.end - cols.start, rows.end - rows.start],
      [a, b, k, rows.start, cols.start, aRowStride, aInnerStride, bInnerStride, bColStride]
    )
  );
}
