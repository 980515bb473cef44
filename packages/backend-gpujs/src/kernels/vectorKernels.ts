import type { KernelSpec } from '../runtime/kernelRunner.js';
import type { ThreadContext } from './threadContext.js';

/* Kernel sources: gpu.js's JavaScript subset (see ThreadContext). Scalars are float32 factors
   the host checked to be normal (see gpuFactor). */

function axpySource(this: ThreadContext, x: Float32Array, y: Float32Array, alpha: number): number {
  const i = this.thread.x;
  return x[i]! * alpha + y[i]!;
}

function scaleSource(this: ThreadContext, x: Float32Array, alpha: number): number {
  return x[this.thread.x]! * alpha;
}

/** `stack` holds `count` vectors of `length` one after another. */
function weightedSumSource(
  this: ThreadContext,
  stack: Float32Array,
  weights: Float32Array,
  count: number,
  length: number
): number {
  const i = this.thread.x;
  let sum = 0.0;
  for (let v = 0; v < count; v++) {
    sum += stack[v * length + i]! * weights[v]!;
  }
  return sum;
}

function maskedApplySource(this: ThreadContext, x: Float32Array, mask: Float32Array): number {
  const i = this.thread.x;
  return mask[i] === 1 ? x[i]! : 0.0;
}

/** alpha·x + y, element by element. */
export const AXPY: KernelSpec = {
  name: 'axpy',
  source: axpySource as never,
  argumentTypes: { x: 'Array', y: 'Array', alpha: 'Float' },
};

/** alpha·x. */
export const SCALE: KernelSpec = {
  name: 'scale',
  source: scaleSource as never,
  argumentTypes: { x: 'Array', alpha: 'Float' },
};

/** Σ_v w_v·x_v over a stack of vectors, in vector order. */
export const WEIGHTED_SUM: KernelSpec = {
  name: 'weightedSum',
  source: weightedSumSource as never,
  argumentTypes: { stack: 'Array', weights: 'Array', count: 'Integer', length: 'Integer' },
};

/** x where mask is 1, else 0. */
export const MASKED_APPLY: KernelSpec = {
  name: 'maskedApply',
  source: maskedApplySource as never,
  argumentTypes: { x: 'Array', mask: 'Array' },
};
