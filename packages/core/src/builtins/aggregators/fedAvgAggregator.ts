import { z } from 'zod';
import type { AggregationContext, Aggregator } from '../../contracts/aggregator.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { parseOptions } from '../options.js';
import { averageOverCoverage } from './coverageAverage.js';

/**
 * FedAvg over the updates that arrived: θ ← θ + Σ_i w_i·Δ_i with w_i ∝ n_i (or uniform).
 * Missing clients simply do not count; a round where nothing arrives keeps the global model. With
 * clients training slices of the adapter, each coordinate is averaged over the updates covering it.
 */
export class FedAvgAggregator implements Aggregator {
  readonly name = 'fedavg';
  readonly supportsSlices = true;
  readonly supportsTaskSlots = true;

  constructor(readonly weighting: 'samples' | 'uniform') {}

  aggregate({ global, received, backend }: AggregationContext): Float32Array {
    if (received.length === 0) return global.slice();
    const raw = received.map((r) => (this.weighting === 'samples' ? r.numSamples : 1));
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => (total > 0 ? w / total : 1 / received.length));
    const step = averageOverCoverage(
      backend,
      received.map((r) => r.update),
      weights,
      received.map((r) => r.coverage),
    );
    return backend.axpy(1, step, global);
  }
}

const fedAvgOptions = z.strictObject({
  weighting: z
    .enum(['samples', 'uniform'])
    .default('samples')
    .describe("weight each update by its client's sample count (FedAvg) or equally"),
});

/** Options: `weighting` (`samples` by default). */
export const fedAvgAggregatorFactory: NamedFactory<Aggregator> = {
  name: 'fedavg',
  plugin: '@fedtune/core',
  description: 'FedAvg: the weighted mean of the received updates, each coordinate over the clients that train it',
  optionsSchema: fedAvgOptions,
  create: (options) => new FedAvgAggregator(parseOptions('aggregator fedavg', fedAvgOptions, options).weighting),
};
