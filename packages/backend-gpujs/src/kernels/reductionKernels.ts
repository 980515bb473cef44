import type { KernelSpec } from '../runtime/kernelRunner.js';
import type { ThreadContext } from './threadContext.js';

/* Each thread reduces one block of `block` consecutive elements; the host combines the per-block
   results in float64. */

function blockMaxAbsSource(this: ThreadContext, x: Float32Array, length: number, block: number): number {
  const start = this.thread.x * block;
  let largest = 0.0;
  for (let t = 0; t < block; t++) {
    const i = start + t;
    if (i >= length) break;
    largest = Math.max(largest, Math.abs(x[i]!));
  }
  return largest;
}

/** The host has brought both vectors' magnitudes within 2^±60 (see prescale), so products cannot overflow. */
function blockDotSource(this: ThreadContext, x: Float32Array, y: Float32Array, length: number, block: number): number {
  const start = this.thread.x * block;
  let sum = 0.0;
  for (let t = 0; t < block; t++) {
    const i = start + t;
    if (i >= length) break;
    sum += x[i]! * y[i]!;
  }
  return sum;
}

/** Largest |x_i| of each block. */
export const BLOCK_MAX_ABS: KernelSpec = {
  name: 'blockMaxAbs',
  source: blockMaxAbsSource as never,
  argumentTypes: { x: 'Array', length: 'Integer', block: 'Integer' },
};

/** Σ x_i·y_i over each block, in float32. */
export const BLOCK_DOT: KernelSpec = {
  name: 'blockDot',
  source: blockDotSource as never,
  argumentTypes: { x: 'Array', y: 'Array', length: 'Integer', block: 'Integer' },
};
