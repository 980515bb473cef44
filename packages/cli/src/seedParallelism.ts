/** How many seeds run at once, and the training workers each one starts. */
export interface SeedParallelism {
  parallel: number;
  workersPerSeed: number;
}

/**
 * Shares the cores between the seeds of `fedtune run --seeds`: as many seeds at once as the cores
 * hold at `--workers` each (or one core each, when `--workers` is absent), never more than there are
 * seeds; without `--workers`, each seed trains on its share of the cores, so the seeds together use
 * them all without crowding each other.
 * @param requestedParallel `--parallel`, when given: taken as it is.
 * @param requestedWorkers `--workers`, when given: taken as it is.
 */
export function seedParallelism(
  seedCount: number,
  cores: number,
  requestedParallel: number | undefined,
  requestedWorkers: number | undefined,
): SeedParallelism {
  const parallel = Math.min(seedCount, requestedParallel ?? Math.max(1, Math.floor(cores / (requestedWorkers ?? 1))));
  return { parallel, workersPerSeed: requestedWorkers ?? Math.max(1, Math.floor(cores / parallel)) };
}
