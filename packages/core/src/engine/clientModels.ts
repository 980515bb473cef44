import { nestedSliceIndices } from '../model/adapters/nestedSlice.js';
import type { ClientModel } from './clientSide.js';
import type { RunAdapter } from './runAdapter.js';
import type { RunTrainers } from './training/inThreadTrainers.js';

/** What {@link buildClientModels} needs. */
export interface ClientModelsInput {
  /** The run's adapter, its slices checked and created (see `createRunAdapter`). */
  adapter: RunAdapter;
  trainers: RunTrainers;
}

/**
 * The model each client trains. With `clientRanks` (HeteroFL-style capacities), client c trains the
 * leading rank-`clientRanks[c mod n]` slice of the global adapter, created with the settings the
 * full instance gives for that rank, so its forward pass is the full adapter's with the
 * higher-rank terms dropped; each distinct rank gets its own trainer.
 */
export async function buildClientModels(input: ClientModelsInput): Promise<(clientId: number) => ClientModel> {
  const { adapter, trainers } = input;
  const fullModel: ClientModel = { trainer: await trainers.trainerFor(adapter.settings, adapter.instance), layout: adapter.instance.layout };
  const clientRanks = adapter.clientRanks;
  if (clientRanks === undefined) return () => fullModel;
  const byRank = new Map<number, ClientModel>([[adapter.settings.rank, fullModel]]);
  for (const [rank, { settings, instance }] of adapter.slices) {
    const slice = nestedSliceIndices(fullModel.layout, instance.layout);
    byRank.set(rank, { trainer: await trainers.trainerFor(settings, instance), layout: instance.layout, slice });
  }
  const models = clientRanks.map((rank) => byRank.get(rank) as ClientModel);
  return (clientId) => models[clientId % models.length] as ClientModel;
}
