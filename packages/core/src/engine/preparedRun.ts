import type { DependencyContainer } from 'tsyringe';
import type { Federation } from '../federation/types.js';
import { assembleRun, planRun, type PreparedRun } from './plannedRun.js';
import type { RunSpec } from './runSpecs.js';
import { runTrainers, type RunTrainersSource } from './training/runTrainers.js';

export { planRun, type PlannedRun, type PreparedRun } from './plannedRun.js';

/** Where a run's trainers come from. */
export interface PrepareRunOptions {
  container: DependencyContainer;
  /** Worker threads per adapter shape; 1 trains in this thread. */
  workers: number;
  /** Where worker threads resolve the experiment's plugins from: the experiment file's folder. */
  resolveFrom: string;
  /** Builds the slot trainers instead of worker threads or this thread (`workers` is then unused). */
  trainers?: RunTrainersSource | undefined;
}

/**
 * Plans a run ({@link planRun}) and builds its trainers: the server's simulation and a remote
 * client build the very same trainers from the same experiment, so both train alike.
 */
export async function prepareRun(spec: RunSpec, federation: Federation, options: PrepareRunOptions): Promise<PreparedRun> {
  const planned = planRun(spec, federation, options.container);
  const { experiment } = spec;
  const trainersFrom = options.trainers ?? runTrainers;
  return assembleRun(spec, planned, federation, (evaluation, training) =>
    trainersFrom({
      workers: options.workers,
      base: federation.base,
      basePath: federation.basePath,
      baseContextLength: federation.baseContextLength,
      pool: federation.pool,
      tfBackend: federation.tfBackend,
      adapter: { ...planned.choice.adapter, context: { seed: experiment.seed, numClients: planned.clients.length } },
      plugins: experiment.plugins,
      resolveFrom: options.resolveFrom,
      training,
      evaluation,
      experiment,
    }),
  );
}
