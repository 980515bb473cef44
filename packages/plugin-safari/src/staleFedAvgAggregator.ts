import { parseOptions, storedTensor, type AggregationContext, type Aggregator, type NamedFactory } from '@fedtune/core';
import { staleFedAvgAggregatorDescription } from './components.js';
import { staleFedAvgOptions } from './options.js';
import { slotWeight, type Weighting } from './slotWeights.js';

const LAST_UPDATE_KEY = 'fedavg-stale.lastUpdate';

/**
 * FedAvg that stands in for each missing client with that client's own last update that arrived
 * (stale, from whatever round it was): θ ← θ + Σ w_i·Δ_i over the fresh and the stale updates,
 * weights normalised over them; each task slot of a client keeps its own. A client that never got
 * through does not count. The baseline SAFARI's neighbour surrogates are measured against. A stored
 * update of other than the global vector's length comes from a damaged checkpoint and stops the run
 * with a `CheckpointError` naming the key.
 */
export class StaleFedAvgAggregator implements Aggregator {
  readonly name = 'fedavg-stale';
  readonly supportsTaskSlots = true;

  /**
   * @param weighting `uniform` (1 per slot) or `samples` (n_i).
   * @param fullFirstRound whether round 0 is a calibration round in which every update arrives, as
   *   SAFARI's is, so every client has a last update from the start.
   */
  constructor(readonly weighting: Weighting, readonly fullFirstRound: boolean) {}

  forcesFullRound(round: number): boolean {
    return this.fullFirstRound && round === 0;
  }

  aggregate(context: AggregationContext): Float32Array {
    const { global, received, missing, backend, memoryOf } = context;
    for (const r of received) memoryOf(r.clientId, r.slot).set(LAST_UPDATE_KEY, r.update);
    const slots: Array<{ update: Float32Array; weight: number }> = received.map((r) => ({
      update: r.update,
      weight: slotWeight(this.weighting, r.numSamples),
    }));
    for (const m of missing) {
      const last = storedTensor(memoryOf(m.clientId, m.slot), LAST_UPDATE_KEY, global.length);
      if (last !== undefined) slots.push({ update: last, weight: slotWeight(this.weighting, m.numSamples) });
    }
    if (slots.length === 0) return global.slice();
    const total = slots.reduce((sum, slot) => sum + slot.weight, 0);
    const step = backend.weightedSum(
      slots.map((slot) => slot.update),
      slots.map((slot) => slot.weight / total),
    );
    return backend.axpy(1, step, global);
  }
}

/** Options: `weighting` (`uniform` default, or `samples`), `fullFirstRound` (false). */
export const staleFedAvgAggregatorFactory: NamedFactory<Aggregator> = {
  ...staleFedAvgAggregatorDescription,
  create: (options) => {
    const { weighting, fullFirstRound } = parseOptions('aggregator fedavg-stale', staleFedAvgOptions, options);
    return new StaleFedAvgAggregator(weighting, fullFirstRound);
  },
};
