import { z } from 'zod';

/** Fraction of each tensor's entries that is pruned: 0 (dense) up to 0.99. */
export const sparsitySchema = z.number().min(0).max(0.99);

/**
 * How many of a tensor's `size` entries survive at `sparsity`: round((1 − sparsity)·size), and at
 * least one, so no tensor of the adapter ever stops learning altogether.
 */
export function keptCount(size: number, sparsity: number): number {
  if (size === 0) return 0;
  return Math.min(size, Math.max(1, Math.round((1 - sparsity) * size)));
}
