import type { Backend, ParameterSpec } from '@fedtune/core';
import { singularValues } from './linalg/singularValues.js';
import { upperTriangularFactor } from './linalg/upperTriangularFactor.js';
import { loraPairs } from './loraPairs.js';

/** Singular values at or below this fraction of the largest do not count towards the numerical rank. */
export const NUMERICAL_RANK_TOLERANCE = 1e-3;

/** How much of its rank one update ΔW uses. Every rank is 0 for ΔW = 0. */
export interface RankSummary {
  /** Number of singular values above {@link NUMERICAL_RANK_TOLERANCE}·σ_max. */
  numericalRank: number;
  /** exp of the entropy of the normalised singular values σ_i/Σσ (Roy & Vetterli, 2007). */
  effectiveRank: number;
  /** ‖ΔW‖_F²/σ_max². */
  stableRank: number;
  /** The largest singular value. */
  sigmaMax: number;
}

/**
 * Singular values, largest first, of ΔW = scale·B·A for A `[r, in]` and B `[out, r]` (row-major),
 * without forming ΔW: with thin QR factorisations B = Q_B·R_B and Aᵀ = Q_A·R_A, ΔW =
 * scale·Q_B·(R_B·R_Aᵀ)·Q_Aᵀ, so ΔW shares its nonzero singular values with the small core
 * scale·R_B·R_Aᵀ. The R factors come from float64 Householder QR, the core product from
 * `backend.matmul`, and its singular values from one-sided Jacobi.
 */
export function loraUpdateSingularValues(
  a: Float32Array,
  b: Float32Array,
  shape: { rank: number; inFeatures: number; outFeatures: number },
  scale: number,
  backend: Backend
): Float64Array {
  const { rank, inFeatures, outFeatures } = shape;
  const bColumns = Array.from({ length: rank }, (_, k) =>
    Float64Array.from({ length: outFeatures }, (_, o) => b[o * rank + k] as number)
  );
  const aTransposedColumns = Array.from({ length: rank }, (_, k) =>
    Float64Array.from(a.subarray(k * inFeatures, (k + 1) * inFeatures))
  );
  const rB = upperTriangularFactor(bColumns, outFeatures);
  const rA = upperTriangularFactor(aTransposedColumns, inFeatures);
  const rowsB = rB.length / rank;
  const rowsA = rA.length / rank;
  const core = backend.matmul(Float32Array.from(rB), Float32Array.from(rA), {
    m: rowsB,
    k: rank,
    n: rowsA,
    transposeB: true,
  });
  return singularValues(core, rowsB, rowsA).map((sigma) => Math.abs(scale) * sigma);
}

/** Numerical, effective and stable rank of a matrix from its singular values (any order). */
export function rankSummary(sigmas: ArrayLike<number>): RankSummary {
  const values = Array.from(sigmas);
  const sigmaMax = Math.max(0, ...values);
  if (sigmaMax === 0) return { numericalRank: 0, effectiveRank: 0, stableRank: 0, sigmaMax: 0 };
  const total = values.reduce((sum, sigma) => sum + sigma, 0);
  const entropy = values.reduce((sum, sigma) => {
    const p = sigma / total;
    return p > 0 ? sum - p * Math.log(p) : sum;
  }, 0);
  return {
    numericalRank: values.filter((sigma) => sigma > NUMERICAL_RANK_TOLERANCE * sigmaMax).length,
    effectiveRank: Math.exp(entropy),
    stableRank: values.reduce((sum, sigma) => sum + sigma * sigma, 0) / (sigmaMax * sigmaMax),
    sigmaMax,
  };
}

/** One adapted module's update: its singular values and what they say about its rank. */
export interface LayerRank extends RankSummary {
  module: string;
  singularValues: Float64Array;
}

/** {@link rankSummary} of every LoRA pair's ΔW = scale·B·A in a flat parameter vector, in layout order. */
export function loraLayerRanks(
  layout: readonly ParameterSpec[],
  params: Float32Array,
  scale: number,
  backend: Backend
): LayerRank[] {
  return loraPairs(layout).map((pair) => {
    const a = params.subarray(pair.a.offset, pair.a.offset + pair.a.size);
    const b = params.subarray(pair.b.offset, pair.b.offset + pair.b.size);
    const sigmas = loraUpdateSingularValues(a, b, pair, scale, backend);
    return { module: pair.module, singularValues: sigmas, ...rankSummary(sigmas) };
  });
}

/**
 * The ledger's rank metrics: `numericalRank`, `effectiveRank` and `stableRank` averaged over the
 * adapted modules, and per module `<module>.numericalRank`, `.effectiveRank`, `.stableRank`,
 * `.sigmaMax` and each singular value `<module>.sigma1` … `<module>.sigma<r>` (largest first).
 */
export function loraRankMetrics(
  layout: readonly ParameterSpec[],
  params: Float32Array,
  scale: number,
  backend: Backend
): Record<string, number> {
  const layers = loraLayerRanks(layout, params, scale, backend);
  const metrics: Record<string, number> = {};
  const mean = (pick: (layer: LayerRank) => number) =>
    layers.length === 0 ? 0 : layers.reduce((sum, layer) => sum + pick(layer), 0) / layers.length;
  metrics['numericalRank'] = mean((layer) => layer.numericalRank);
  metrics['effectiveRank'] = mean((layer) => layer.effectiveRank);
  metrics['stableRank'] = mean((layer) => layer.stableRank);
  for (const layer of layers) {
    metrics[`${layer.module}.numericalRank`] = layer.numericalRank;
    metrics[`${layer.module}.effectiveRank`] = layer.effectiveRank;
    metrics[`${layer.module}.stableRank`] = layer.stableRank;
    metrics[`${layer.module}.sigmaMax`] = layer.sigmaMax;
    layer.singularValues.forEach((sigma, i) => {
      metrics[`${layer.module}.sigma${i + 1}`] = sigma;
    });
  }
  return metrics;
}
