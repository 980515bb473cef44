import type { ClientData } from '../../data/types.js';
import type { LocalTrainer, LocalTrainResult } from '../../model/training/trainer.js';
import type { RandomKey } from '../../random/counterRandom.js';
import type { SlotTrainer } from './slotTrainer.js';

/**
 * A {@link SlotTrainer} that trains in the calling thread with a `LocalTrainer`, one slot at a
 * time: the single-worker setting, and the reference the worker pool must match bit for bit.
 */
export class InThreadSlotTrainer implements SlotTrainer {
  /** The last queued call; the next one waits for it, since a LocalTrainer's calls must not overlap. */
  private tail: Promise<unknown> = Promise.resolve();

  /** `trainer` stays the caller's to dispose: evaluation uses the same one. */
  constructor(private readonly trainer: LocalTrainer) {}

  train(start: Float32Array, data: ClientData, random: RandomKey): Promise<LocalTrainResult> {
    const run = this.tail.then(() => this.trainer.train(start, data, random));
    // A failed call must not fail the calls queued behind it.
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
  }
}
