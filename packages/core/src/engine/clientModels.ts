import type { Adapter, AdapterInstance, AdapterOptions } from '../contracts/adapter.js';
import type { Aggregator } from '../contracts/aggregator.js';
import { ConfigError } from '../errors.js';
import type { BaseModel } from '../model/baseModel.js';
import { sliceAlpha } from '../model/lora.js';
import { nestedSliceIndices } from '../model/nestedSlice.js';
import type { ClientModel } from './roundLoop.js';
import type { RunTrainers } from './training/runTrainers.js';

/** What {@link buildClientModels} needs. */
export interface ClientModelsInput {
  base: BaseModel;
  adapter: Adapter;
  /** Options the full adapter was created with; slices change only rank and alpha. */
  options: AdapterOptions;
  /** The full adapter, which the global vector belongs to. */
  full: AdapterInstance;
  /** `adapter.clientRanks` of the experiment; absent, every client trains the full adapter. */
  clientRanks: readonly number[] | undefined;
  aggregator: Aggregator;
  trainers: RunTrainers;
}

/**
 * The model each client trains. With `clientRanks` (HeteroFL-style capacities), client c trains the
 * leading rank-`clientRanks[c mod n]` slice of the global adapter. A slice keeps the full adapter's
 * scale α/r (see {@link sliceAlpha}), so its forward pass is the full adapter's with the
 * higher-rank terms dropped; each distinct rank gets its own adapter instance and trainer.
 */
export async function buildClientModels(input: ClientModelsInput): Promise<(clientId: number) => ClientModel> {
  const { options, aggregator } = input;
  const fullModel: ClientModel = { trainer: await input.trainers.trainerFor(options, input.full), layout: input.full.layout };
  const clientRanks = input.clientRanks;
  if (clientRanks === undefined) return () => fullModel;
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
  const byRank = new Map<number, ClientModel>([[options.rank, fullModel]]);
  for (const rank of new Set(clientRanks)) {
    if (byRank.has(rank)) continue;
    const settings = { ...options, rank, alpha: sliceAlpha(options.alpha, options.rank, rank, useRsLora) };
    const adapter = input.adapter.create(input.base.modules, settings);
    const slice = nestedSliceIndices(fullModel.layout, adapter.layout);
    byRank.set(rank, { trainer: await input.trainers.trainerFor(settings, adapter), layout: adapter.layout, slice });
  }
  const models = clientRanks.map((rank) => byRank.get(rank) as ClientModel);
  return (clientId) => models[clientId % models.length] as ClientModel;
}
