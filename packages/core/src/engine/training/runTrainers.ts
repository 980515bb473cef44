import type { AdapterInstance, AdapterOptions } from '../../contracts/adapter.js';
import type { FactoryContext } from '../../contracts/tokens.js';
import type { FeatureSet } from '../../data/types.js';
import type { TfBackendChoice } from '../../model/tfBackend.js';
import { LocalTrainer, type TrainingOptions } from '../../model/trainer.js';
import type { BaseModel } from '../../model/baseModel.js';
import { InThreadSlotTrainer } from './inThreadTrainer.js';
import type { SlotTrainer } from './slotTrainer.js';
import { WorkerPoolTrainer } from './workerPoolTrainer.js';

/** What a run's trainers are built from. */
export interface RunTrainersInput {
  /** Worker threads per adapter shape; 1 trains in this thread. */
  workers: number;
  base: BaseModel;
  basePath: string;
  pool: FeatureSet;
  tfBackend: string;
  adapter: { name: string; options: Readonly<Record<string, unknown>>; context: FactoryContext };
  plugins: readonly string[];
  resolveFrom: string;
  training: TrainingOptions;
  /** The run's evaluation trainer: with one worker it also trains the full adapter. */
  evaluation: { trainer: LocalTrainer; settings: AdapterOptions };
}

/** Hands out one slot trainer per adapter shape (rank) and releases them all at the end. */
export interface RunTrainers {
  trainerFor(settings: AdapterOptions, instance: AdapterInstance): Promise<SlotTrainer>;
  close(): Promise<void>;
}

/**
 * The trainers of one run. With one worker, slots train in this thread (the full adapter with the
 * evaluation trainer itself); with more, each adapter shape gets a pool of worker threads that
 * build the same adapter from its registry name, so results are the same bit for bit.
 */
export function runTrainers(input: RunTrainersInput): RunTrainers {
  const closers: (() => Promise<void> | void)[] = [];
  return {
    async trainerFor(settings, instance) {
      if (input.workers > 1) {
        const pool = await WorkerPoolTrainer.start(
          {
            tfBackend: input.tfBackend as TfBackendChoice,
            baseModelPath: input.basePath,
            adapter: { ...input.adapter, settings },
            plugins: input.plugins,
            resolveFrom: input.resolveFrom,
            training: input.training,
            pool: input.pool,
          },
          { workers: input.workers },
        );
        closers.push(() => pool.close());
        return pool;
      }
      if (settings === input.evaluation.settings) return new InThreadSlotTrainer(input.evaluation.trainer);
      const trainer = new LocalTrainer(input.base, instance, input.training);
      closers.push(() => trainer.dispose());
      return new InThreadSlotTrainer(trainer);
    },
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}
