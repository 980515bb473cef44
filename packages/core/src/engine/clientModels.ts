import type { Adapter, AdapterInstance, AdapterOptions } from '../contracts/adapter.js';
import type { Aggregator } from '../contracts/aggregator.js';
import { ConfigError } from '../errors.js';
import type { BaseModel } from '../model/baseModel.js';
import { sliceAlpha } from '../model/lora.js';
import { nestedSliceIndices } from '../model/nestedSlice.js';
import { LocalTrainer, type TrainingOptions } from '../model/trainer.js';
import type { ClientModel } from './roundLoop.js';

/** What {@link buildClientModels} needs besides the full adapter. */
export interface ClientModelsInput {
  base: BaseModel;
  adapter: Adapter;
  /** Options the full adapter was created with; slices change only rank and alpha. */
  options: AdapterOptions;
  full: { adapter: AdapterInstance; trainer: LocalTrainer };
  /** `adapter.clientRanks` of the experiment. */
  clientRanks: readonly number[];
  aggregator: Aggregator;
  training: TrainingOptions;
}

/** One model per distinct client rank, and which one each client trains. */
export interface ClientModels {
  modelOf: (clientId: number) => ClientModel;
  /** Releases the slice trainers (the full trainer belongs to the caller). */
  dispose(): void;
}

/**
 * HeteroFL-style capacities: client c trains the leading rank-`clientRanks[c mod n]` slice of the
 * global adapter. A slice keeps the full adapter's scale α/r (see {@link sliceAlpha}), so its
 * forward pass is the full adapter's with the higher-rank terms dropped; each slice has its own
 * adapter instance and trainer, built once per distinct rank.
 */
export function buildClientModels(input: ClientModelsInput): ClientModels {
  const { options, clientRanks, aggregator } = input;
  const tooHigh = clientRanks.find((rank) => rank > options.rank);
  if (tooHigh !== undefined) {
    throw new ConfigError(
      `adapter.clientRanks holds rank ${tooHigh}, above adapter.rank ${options.rank}; a client trains a slice of the global adapter, so set every client rank at most ${options.rank}.`
    );
  }
  if (aggregator.supportsSlices !== true) {
    throw new ConfigError(
      `aggregator ${aggregator.name} does not average updates over the coordinates each client trains, which adapter.clientRanks needs; use fedavg or aquila, or remove adapter.clientRanks.`
    );
  }
  const useRsLora = options.extra?.['useRsLora'] === true;
  const fullModel: ClientModel = { trainer: input.full.trainer, layout: input.full.adapter.layout };
  const trainers: LocalTrainer[] = [];
  const byRank = new Map<number, ClientModel>([[options.rank, fullModel]]);
  for (const rank of new Set(clientRanks)) {
    if (byRank.has(rank)) continue;
    const adapter = input.adapter.create(input.base.modules, {
      ...options,
      rank,
      alpha: sliceAlpha(options.alpha, options.rank, rank, useRsLora),
    });
    const trainer = new LocalTrainer(input.base, adapter, input.training);
    trainers.push(trainer);
    byRank.set(rank, { trainer, layout: adapter.layout, slice: nestedSliceIndices(fullModel.layout, adapter.layout) });
  }
  const models = clientRanks.map((rank) => byRank.get(rank) as ClientModel);
  return {
    modelOf: (clientId) => models[clientId % models.length] as ClientModel,
    dispose: () => trainers.forEach((trainer) => trainer.dispose()),
  };
}
