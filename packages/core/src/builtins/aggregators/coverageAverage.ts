import type { Backend } from '../../contracts/backend.js';
import { ShapeError } from '../../errors.js';

/**
 * The weighted mean of updates, coordinate by coordinate over the updates that cover it:
 * step_j = Σ_{i∋j} w_i·Δ_ij / Σ_{i∋j} w_i, where an update without a coverage list covers every
 * coordinate (HeteroFL's averaging of nested sub-models). Coordinates nobody covers stay 0. With no
 * coverage lists at all this is exactly `backend.weightedSum(updates, weights)`, so runs without
 * slices are unchanged. `weights` should sum to 1; the backend does the heavy sum.
 */
export function averageOverCoverage(
  backend: Backend,
  updates: readonly Float32Array[],
  weights: readonly number[],
  coverages: readonly (Uint32Array | undefined)[]
): Float32Array {
  if (coverages.length !== updates.length) {
    throw new ShapeError(`Got ${coverages.length} coverage lists for ${updates.length} updates; pass one per update.`);
  }
  const sum = backend.weightedSum(updates, weights);
  if (coverages.every((coverage) => coverage === undefined)) return sum;
  const covered = new Float64Array(sum.length);
  coverages.forEach((coverage, i) => {
    const weight = weights[i] as number;
    if (coverage === undefined) {
      for (let j = 0; j < covered.length; j++) covered[j] = (covered[j] as number) + weight;
      return;
    }
    for (const j of coverage) covered[j] = (covered[j] as number) + weight;
  });
  for (let j = 0; j < sum.length; j++) {
    const weight = covered[j] as number;
    sum[j] = weight > 0 ? (sum[j] as number) / weight : 0;
  }
  return sum;
}
