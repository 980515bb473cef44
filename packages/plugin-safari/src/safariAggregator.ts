import {
  parseOptions,
  type AggregationContext,
  type Aggregator,
  type Backend,
  type NamedFactory,
  type ReceivedUpdate,
} from '@fedtune/core';
import { clientDistances, type DistanceMetric } from './clientDistances.js';
import { safariAggregatorDescription } from './components.js';
import { nearestSurrogates } from './nearestSurrogates.js';
import { safariAggregatorOptions } from './options.js';
import { SimilarityMatrix } from './similarityMatrix.js';
import { slotWeight, type Weighting } from './slotWeights.js';

/** Settings of the {@link SafariAggregator}. */
export interface SafariAggregatorOptions {
  /** Distance between first-round updates: Euclidean on the sparse updates, or Hamming on their masks. */
  distance: DistanceMetric;
  /**
   * `none`: S stays as the calibration round measured it (as in the official code); `ema`: an
   * entry is refreshed whenever both of its clients arrive in a round.
   */
  refresh: 'none' | 'ema';
  /** With `refresh: "ema"`, the weight the old distance keeps. */
  emaDecay: number;
  /** How each of the N slots counts: 1 each (SAFARI's 1/N) or by the client's sample count. */
  weighting: Weighting;
}

/**
 * SAFARI's server (Mao et al., TMC 2023). Round 0 is a calibration round in which every client's
 * update arrives; their pairwise distances form the matrix S. In every round each missing client u
 * is replaced by its nearest received neighbour π(u) = argmin_v S[u, v] (ties to the lowest id),
 * and θ ← θ + (1/N)·(Σ_received Δ_i + Σ_missing Δ_π(u)): the average keeps all N terms, so clients
 * on bad links are not averaged out. The true link reliabilities are never read. A round in which
 * nothing arrives keeps the global model.
 */
export class SafariAggregator implements Aggregator {
  readonly name = 'safari';

  constructor(readonly options: SafariAggregatorOptions) {}

  forcesFullRound(round: number): boolean {
    return round === 0;
  }

  aggregate(context: AggregationContext): Float32Array {
    const { global, received, missing, backend } = context;
    if (received.length === 0) return global.slice();
    const similarity = new SimilarityMatrix(context.clientIds, (clientId) => context.memoryOf(clientId));
    this.measure(similarity, received, backend);
    const surrogates = nearestSurrogates(
      missing.map((m) => m.clientId),
      received.map((r) => r.clientId),
      (u, v) => similarity.get(u, v),
    );
    // Each received update fills its own slot and those of the missing clients it stands in for.
    const weights = new Map(received.map((r) => [r.clientId, slotWeight(this.options.weighting, r.numSamples)]));
    for (const m of missing) {
      const surrogate = surrogates.get(m.clientId);
      if (surrogate === undefined) continue;
      weights.set(surrogate, (weights.get(surrogate) as number) + slotWeight(this.options.weighting, m.numSamples));
    }
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    const step = backend.weightedSum(
      received.map((r) => r.update),
      received.map((r) => (weights.get(r.clientId) as number) / total),
    );
    return backend.axpy(1, step, global);
  }

  /** Measures distances when some arriving pair has none yet (the calibration round), or on every round with `ema`. */
  private measure(similarity: SimilarityMatrix, received: readonly ReceivedUpdate[], backend: Backend): void {
    const ids = received.map((r) => r.clientId);
    const refresh = this.options.refresh === 'ema';
    if (!refresh && !similarity.hasUnknownPair(ids)) return;
    const distances = clientDistances(
      received.map((r) => r.update),
      this.options.distance,
      backend,
    );
    similarity.record(ids, distances, refresh ? this.options.emaDecay : 1);
  }
}

/** Validates the options of `safari`; see {@link safariAggregatorFactory}. */
export function parseSafariAggregatorOptions(options: Readonly<Record<string, unknown>>): SafariAggregatorOptions {
  return parseOptions('aggregator safari', safariAggregatorOptions, options);
}

/**
 * Options: `distance` (`euclidean` default, or `hamming`), `refresh` (`none` default, or `ema`),
 * `emaDecay` (0.8), `weighting` (`uniform` default — SAFARI's 1/N — or `samples`).
 */
export const safariAggregatorFactory: NamedFactory<Aggregator> = {
  ...safariAggregatorDescription,
  create: (options) => new SafariAggregator(parseSafariAggregatorOptions(options)),
};
