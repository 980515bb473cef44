/** The BullMQ queue every run puts its training jobs on and every worker takes them from. */
export const TRAINING_QUEUE = 'fedtune-training';

/** Redis key of a training recipe, by its id (a sha256 of the recipe). */
export function recipeKey(recipeId: string): string {
  return `fedtune:recipe:${recipeId}`;
}

/** Redis key of a start vector one run stored for its jobs, by the run's id and the vector's sha256. */
export function vectorKey(runId: string, digest: string): string {
  return `fedtune:vector:${runId}:${digest}`;
}

/** Redis key of one trained slot a worker stored for its run to read, by a random id of the worker's. */
export function resultKey(id: string): string {
  return `fedtune:result:${id}`;
}

/** Redis key a run keeps while it is connected: gone after a reconnection, Redis lost the run's data. */
export function linkKey(id: string): string {
  return `fedtune:link:${id}`;
}
