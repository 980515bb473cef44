import { FedtuneError, RandomStream } from '@fedtune/core';
import { kMeansWithSilhouette } from './automaticClusterCount.js';
import { kMeans } from './kMeans.js';
import { TacStreams } from './streams.js';

/** What a clustering sees of one round: the received slots and, on demand, their distances. */
export interface ClusteringInput {
  round: number;
  /** The slots that sent an adapter, ordered by client id, then slot. */
  slots: readonly { clientId: number; slot: number }[];
  /** How many slots a client trains (one per task it holds). */
  slotsOf(clientId: number): number;
  /** Pairwise squared Euclidean distances of their adapters (n×n), computed on first call. */
  distances(): Float32Array;
}

/** How the server groups a round's adapters: one cluster label per received slot, from 0. */
export type SlotClustering = (input: ClusteringInput) => number[];

/** Settings of the server's k-means (`tac`). */
export interface KMeansClusteringSettings {
  /** Number of clusters, or `auto` for the silhouette's pick among 2…`maxK`. */
  k: number | 'auto';
  maxK: number;
  nInit: number;
  maxIterations: number;
  tolerance: number;
  /** The run's seed; each round seeds k-means++ from its own key. */
  seed: number;
}

/** TAC: k-means over the adapters, K fixed or chosen by silhouette. */
export function kMeansClustering(settings: KMeansClusteringSettings): SlotClustering {
  return ({ round, slots, distances }) => {
    const random = new RandomStream({ seed: settings.seed, round, client: 0, stream: TacStreams.kMeansSeeding });
    const common = { nInit: settings.nInit, maxIterations: settings.maxIterations, tolerance: settings.tolerance, random };
    if (settings.k === 'auto') return kMeansWithSilhouette(distances(), slots.length, { ...common, maxK: settings.maxK }).labels;
    // k-means needs no distances when every slot is its own cluster anyway.
    if (slots.length <= settings.k) return slots.map((_, i) => i);
    return kMeans(distances(), slots.length, { ...common, k: settings.k }).labels;
  };
}

/**
 * The oracle: slots grouped by the task they really train, given as `clientTasks[client][slot]`
 * (see {@link trueClientTasks}); clusters are numbered by task id. A client training another
 * number of slots than its map lists is refused: its slots would be matched to the wrong tasks.
 */
export function trueTaskClustering(clientTasks: readonly (readonly number[])[]): SlotClustering {
  return ({ slots, slotsOf }) =>
    slots.map(({ clientId, slot }) => {
      const held = clientTasks[clientId] ?? [];
      const task = held[slot];
      if (task === undefined || slotsOf(clientId) !== held.length) {
        throw new FedtuneError(
          `tac-oracle: client ${clientId} trains ${slotsOf(clientId)} slots, but the task map drawn from the options gives it ` +
            `${held.length} tasks; give numTasks and tasksPerClient as in data, use training.taskSlots "per-task", and leave ` +
            'data.partition.smallShares at "redraw" (dropBelow takes tasks from clients, which the oracle cannot know).',
        );
      }
      return task;
    });
}

/** Local-only training: every slot is its own cluster and keeps what it trained. */
export const singletonClustering: SlotClustering = ({ slots }) => slots.map((_, i) => i);
