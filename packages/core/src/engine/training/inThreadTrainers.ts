import type { AdapterInstance, AdapterOptions } from '../../contracts/adapter.js';
import type { BaseModel } from '../../model/architectures/baseModel.js';
import { LocalTrainer, type TrainingOptions } from '../../model/training/trainer.js';
import { InThreadSlotTrainer } from './inThreadTrainer.js';
import type { SlotTrainer } from './slotTrainer.js';

/** Hands out one slot trainer per adapter shape (rank) and releases them all at the end. */
export interface RunTrainers {
  trainerFor(settings: AdapterOptions, instance: AdapterInstance): Promise<SlotTrainer>;
  close(): Promise<void>;
}

/** What in-thread trainers are built from. */
export interface InThreadTrainersInput {
  base: BaseModel;
  training: TrainingOptions;
  /** The run's evaluation trainer, which also trains the full adapter. */
  evaluation: { trainer: LocalTrainer; settings: AdapterOptions };
}

/**
 * A run's trainers in this thread: the full adapter trains with the evaluation trainer itself, each
 * other adapter shape with a trainer of its own. Needs no worker threads, so browsers use it too.
 */
export function inThreadTrainers(input: InThreadTrainersInput): RunTrainers {
  const trainers: LocalTrainer[] = [];
  return {
    async trainerFor(settings, instance) {
      if (settings === input.evaluation.settings) return new InThreadSlotTrainer(input.evaluation.trainer);
      const trainer = new LocalTrainer(input.base, instance, input.training);
      trainers.push(trainer);
      return new InThreadSlotTrainer(trainer);
    },
    async close() {
      for (const trainer of trainers) trainer.dispose();
    },
  };
}
