import { FedtuneError, RandomStream } from '@fedtune/core';
import { kMeansWithSilhouette } from './automaticClusterCount.js';
import { kMeans } from './kMeans.js';
import { TacStreams } from './streams.js';

/** What a clustering sees of one round: the received slots and, on demand, their distances. */
export interface ClusteringInput {
  round: number;
  /** The slots that sent an adapter, ordered by client id, then slot. */
  slots: readonly { clientId: number; slot: number }[];
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
 * (see {@link trueClientTasks}); clusters are numbered by task id.
 */
export function trueTaskClustering(clientTasks: readonly (readonly number[])[]): SlotClustering {
  return ({ slots }) =>
    slots.map(({ clientId, slot }) => {
      const task = clientTasks[clientId]?.[slot];
      if (task === undefined) {
        throw new FedtuneError(
          `tac-oracle: client ${clientId} slot ${slot} holds no known task; check numTasks and tasksPerClient against data, and training.taskSlots "per-task"`,
        );
      }
      return task;
    });
}

/** Local-only training: every slot is its own cluster and keeps what it trained. */
export const singletonClustering: SlotClustering = ({ slots }) => slots.map((_, i) => i);
