import type { ClientData } from '../../data/types.js';
import type { LocalTrainResult } from '../../model/training/trainer.js';
import type { RandomKey } from '../../random/counterRandom.js';

/**
 * Local training of one adapter slot, as the round loop sees it. Implementations may train several
 * slots at once (a worker pool) or one after another (in the calling thread); either way each call
 * resolves with its own slot's result, so a caller that starts every slot of a round and then
 * awaits the promises in client order aggregates in the same order, whichever finishes first.
 *
 * A diverged run rejects with `NonFiniteError`, which the round loop treats as a rejected client.
 */
export interface SlotTrainer {
  /**
   * Trains from `start` on the slot's examples; `random` keys the batch order, as for
   * `LocalTrainer.train`. `start` is read, never changed or kept.
   */
  train(start: Float32Array, data: ClientData, random: RandomKey): Promise<LocalTrainResult>;
  /** Releases what the trainer started (worker threads); pending calls finish first. */
  close(): Promise<void>;
}
