import type { KernelSpec } from '../runtime/kernelRunner.js';
import { PACK_BITS, UNPACK_BITS } from './bitKernels.js';
import { ABSOLUTE, COUNT_AT_LEAST, MAGNITUDE_CLASS, TOP_K_CLASS } from './maskKernels.js';
import { MATMUL, PAIRWISE_COSINE, PAIRWISE_SQUARED_DISTANCE } from './matrixKernels.js';
import { GRID_DEQUANTIZE, GRID_QUANTIZE, STOCHASTIC_DEQUANTIZE, STOCHASTIC_QUANTIZE } from './quantizeKernels.js';
import { BLOCK_DOT, BLOCK_MAX_ABS } from './reductionKernels.js';
import { AXPY, MASKED_APPLY, SCALE, WEIGHTED_SUM } from './vectorKernels.js';

/**
 * Every kernel the backend runs, by name. A kernel host in another thread receives only a
 * kernel's name and looks its source up here, so no code crosses threads.
 */
export const KERNEL_CATALOGUE: ReadonlyMap<string, KernelSpec> = new Map(
  [
    MATMUL,
    PAIRWISE_SQUARED_DISTANCE,
    PAIRWISE_COSINE,
    AXPY,
    SCALE,
    WEIGHTED_SUM,
    MASKED_APPLY,
    BLOCK_MAX_ABS,
    BLOCK_DOT,
    STOCHASTIC_QUANTIZE,
    STOCHASTIC_DEQUANTIZE,
    GRID_QUANTIZE,
    GRID_DEQUANTIZE,
    MAGNITUDE_CLASS,
    ABSOLUTE,
    COUNT_AT_LEAST,
    TOP_K_CLASS,
    PACK_BITS,
    UNPACK_BITS,
  ].map((spec) => [spec.name, spec])
);
