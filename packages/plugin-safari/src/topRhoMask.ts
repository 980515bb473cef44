import type { Backend } from '@fedtune/core';
import { keptCount } from './sparsity.js';
import type { TensorSlice } from './tensorSlices.js';

/**
 * SAFARI's sparse update: within each tensor, 1 for the round((1 − sparsity)·size) entries of
 * largest magnitude (the backend's top-k, ties to the lower index), 0 elsewhere.
 */
export function topRhoMask(
  values: Float32Array,
  slices: readonly TensorSlice[],
  sparsity: number,
  backend: Backend,
): Uint8Array {
  const mask = new Uint8Array(values.length);
  for (const { offset, size } of slices) {
    const tensor = values.subarray(offset, offset + size);
    mask.set(backend.topKMask(tensor, keptCount(size, sparsity)), offset);
  }
  return mask;
}
