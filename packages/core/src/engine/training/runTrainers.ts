import type { FactoryContext } from '../../contracts/tokens.js';
import type { FeatureSet } from '../../data/types.js';
import type { Experiment } from '../../experiment/schema.js';
import type { TfBackendChoice } from '../../model/training/tfBackend.js';
import { inThreadTrainers, type InThreadTrainersInput, type RunTrainers } from './inThreadTrainers.js';
import { WorkerPoolTrainer } from './workerPoolTrainer.js';

export type { RunTrainers } from './inThreadTrainers.js';

/** What a run's trainers are built from. */
export interface RunTrainersInput extends InThreadTrainersInput {
  /** Worker threads per adapter shape; 1 trains in this thread. */
  workers: number;
  basePath: string;
  /** Set for a Hugging Face model folder (see `Federation.baseContextLength`). */
  baseContextLength?: number;
  pool: FeatureSet;
  tfBackend: string;
  adapter: { name: string; options: Readonly<Record<string, unknown>>; context: FactoryContext };
  plugins: readonly string[];
  resolveFrom: string;
  /** The run's experiment, from which a trainer elsewhere (another process or machine) rebuilds the federation. */
  experiment: Experiment;
}

/**
 * Where a run's slot trainers come from, in place of {@link runTrainers}: a queue of worker
 * processes, say. It gets what `runTrainers` gets and must train each slot as an in-thread
 * `LocalTrainer` built from the same input would.
 */
export type RunTrainersSource = (input: RunTrainersInput) => RunTrainers;

/**
 * The trainers of one run. With one worker, slots train in this thread (the full adapter with the
 * evaluation trainer itself); with more, each adapter shape gets a pool of worker threads that
 * build the same adapter from its registry name, so results are the same bit for bit.
 */
export function runTrainers(input: RunTrainersInput): RunTrainers {
  if (input.workers <= 1) return inThreadTrainers(input);
  const pools: WorkerPoolTrainer[] = [];
  return {
    async trainerFor(settings) {
      const pool = await WorkerPoolTrainer.start(
        {
          tfBackend: input.tfBackend as TfBackendChoice,
          baseModelPath: input.basePath,
          baseContextLength: input.baseContextLength,
          adapter: { ...input.adapter, settings },
          plugins: input.plugins,
          resolveFrom: input.resolveFrom,
          training: input.training,
          pool: input.pool,
        },
        { workers: input.workers },
      );
      pools.push(pool);
      return pool;
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.close()));
    },
  };
}
