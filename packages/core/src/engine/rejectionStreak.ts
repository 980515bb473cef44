import { ConfigError } from '../errors.js';

/** Rounds in a row, from a run's start, in which every participant is rejected before the run is stopped. */
export const REJECTED_ROUNDS_LIMIT = 2;

/**
 * Stops a run that cannot start learning: when every participant's every slot is rejected from the
 * run's first round on — training that diverges at once, a client-side component that always
 * throws — for {@link REJECTED_ROUNDS_LIMIT} rounds, the model has never changed and never will, and
 * a run that went on to exit 0 at chance accuracy would leave a results folder that looks like a
 * finished experiment. Once any update has been aggregated the run is never stopped: a federation
 * that learned and then collapses is a result to record, not an error.
 */
export class RejectionStreak {
  private rounds = 0;

  /** @param learning true for a resumed run, whose model has been through its first rounds already */
  constructor(private learning: boolean) {}

  /**
   * Records one round's outcome.
   * @param participantSlots every participant slot of the round
   * @param firstRejection the round's first rejected slot and why, when any was rejected
   * @throws ConfigError naming the reason when the limit is reached
   */
  record(round: number, participantSlots: number, rejected: number, firstRejection: string | undefined): void {
    if (this.learning) return;
    if (participantSlots === 0 || rejected < participantSlots) {
      // A round where someone was not rejected (skipped and lost count too) may have moved the model.
      this.learning = true;
      return;
    }
    this.rounds++;
    if (this.rounds < REJECTED_ROUNDS_LIMIT || firstRejection === undefined) return;
    throw new ConfigError(
      `every participant was rejected in rounds 1–${round + 1}, so the model never changed; the run stops. ` +
        `The last round's first rejection: ${firstRejection}. Lower training.learningRate if training diverges, ` +
        'check the base model, or fix the component named there.',
    );
  }
}
