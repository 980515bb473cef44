import { availableParallelism } from 'node:os';

/** How many worker threads train when `--workers` is not given: one per core. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}
