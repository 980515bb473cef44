import { createHash } from 'node:crypto';
import type { AdapterRecipe, Experiment, FeatureSet, TrainingOptions } from '@fedtune/core';

/**
 * What a worker process builds a slot trainer from: the training-worker recipe of `--workers`, with
 * the experiment in place of the pool, since a worker on another machine reads the data itself and
 * rebuilds the pool from the experiment and its seed. Stored once in Redis under its id.
 */
export interface QueueRecipe {
  experiment: Experiment;
  /** The run's experiment folder: where the worker resolves the experiment's paths unless told another. */
  experimentDir: string;
  /** The tf backend the run's main thread uses (not `auto`), so every worker trains on the same kernels. */
  tfBackend: string;
  adapter: AdapterRecipe;
  training: TrainingOptions;
  /** sha256 of the pool's features and labels: a worker whose data differs refuses to train rather than train on other examples. */
  poolDigest: string;
}

/** A recipe's id: the sha256 of its JSON, so equal recipes share one trainer on a worker. */
export function recipeId(recipe: QueueRecipe): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex');
}

/** sha256 of a pool's shape, features and labels. */
export function poolDigest(pool: FeatureSet): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([pool.count, pool.featureSize, pool.numClasses]));
  for (const values of [pool.features, pool.labels]) hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return hash.digest('hex');
}
