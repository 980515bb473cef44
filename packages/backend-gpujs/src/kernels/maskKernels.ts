import type { KernelSpec } from '../runtime/kernelRunner.js';
import { UNDECIDED, type ThreadContext } from './threadContext.js';

/* Mask kernels compare magnitudes only where float32 comparisons are exact: between normal
   numbers. Magnitudes below 2^-126 may read as zero on a GPU, so their class comes from the host. */

/**
 * 1 where |x| ≥ threshold for normal |x|; zero and subnormal |x| get `tinyClass` (0, 1, or
 * UNDECIDED when the threshold itself is subnormal and only the host can compare).
 */
function magnitudeClassSource(this: ThreadContext, x: Float32Array, threshold: number, tinyClass: number): number {
  const magnitude = Math.abs(x[this.thread.x]!);
  if (magnitude >= this.constants.minNormal!) {
    if (magnitude >= threshold) return 1.0;
    return 0.0;
  }
  return tinyClass;
}

/** |x|, kept on the GPU for the top-k passes. */
function absoluteSource(this: ThreadContext, x: Float32Array): number {
  return Math.abs(x[this.thread.x]!);
}

/** How many of block x's magnitudes are ≥ thresholds[y]. */
function countAtLeastSource(
  this: ThreadContext,
  magnitudes: Float32Array,
  thresholds: Float32Array,
  length: number,
  block: number
): number {
  const threshold = thresholds[this.thread.y]!;
  const start = this.thread.x * block;
  let count = 0.0;
  for (let t = 0; t < block; t++) {
    const i = start + t;
    if (i >= length) break;
    if (magnitudes[i]! >= threshold) count += 1.0;
  }
  return count;
}

/**
 * Top-k class of one element given the k-th largest magnitude `kth` (normal): 1 above it, 0 below,
 * UNDECIDED on a tie, which the host breaks in index order. When the k-th largest magnitude is
 * below 2^-126 (`kthIsTiny` = 1), every normal magnitude is kept and the rest are left to the host.
 */
function topKClassSource(this: ThreadContext, magnitudes: Float32Array, kth: number, kthIsTiny: number): number {
  const magnitude = magnitudes[this.thread.x]!;
  if (kthIsTiny === 1) {
    if (magnitude >= this.constants.minNormal!) return 1.0;
    return this.constants.undecided!;
  }
  if (magnitude > kth) return 1.0;
  if (magnitude === kth) return this.constants.undecided!;
  return 0.0;
}

const MIN_NORMAL = { minNormal: 2 ** -126 };

/** 0/1 magnitude mask with host-decided tiny magnitudes. */
export const MAGNITUDE_CLASS: KernelSpec = {
  name: 'magnitudeClass',
  source: magnitudeClassSource as never,
  argumentTypes: { x: 'Array', threshold: 'Float', tinyClass: 'Float' },
  constants: MIN_NORMAL,
};

/** |x| as a texture that stays on the GPU. */
export const ABSOLUTE: KernelSpec = {
  name: 'absolute',
  source: absoluteSource as never,
  argumentTypes: { x: 'Array' },
  pipeline: true,
};

/** Per-block counts of magnitudes at or above each threshold. */
export const COUNT_AT_LEAST: KernelSpec = {
  name: 'countAtLeast',
  source: countAtLeastSource as never,
  argumentTypes: { magnitudes: 'Texture', thresholds: 'Array', length: 'Integer', block: 'Integer' },
};

/** Final top-k classes. */
export const TOP_K_CLASS: KernelSpec = {
  name: 'topKClass',
  source: topKClassSource as never,
  argumentTypes: { magnitudes: 'Texture', kth: 'Float', kthIsTiny: 'Integer' },
  constants: { ...MIN_NORMAL, undecided: UNDECIDED },
};
