import type { RoundEvent } from '@fedtune/core';
import { durationText } from './durationText.js';
import { RoundTimer } from './roundEta.js';
import { terminalText } from './terminalText.js';

const accuracyText = (accuracy: number) => `${(accuracy * 100).toFixed(2)}%`;
const lossText = (loss: number | null): string => (loss === null ? '–' : loss.toFixed(4));

/** What a progress display knows of one run: how far it is, its last metrics, its timing. */
export class TrackedRun {
  /** The label as printed: control characters escaped. */
  readonly label: string;
  /** Rounds finished; undefined until the first round event (a resumed run starts past 0). */
  done: number | undefined;
  /** The last evaluated accuracy: rounds without evaluation keep showing it. */
  accuracy = '–';
  loss = '–';
  private readonly timer: RoundTimer;

  constructor(label: string, readonly rounds: number, now: () => number) {
    this.label = terminalText(label);
    this.timer = new RoundTimer(now);
  }

  record(event: RoundEvent): void {
    this.timer.roundFinished();
    this.done = event.round + 1;
    if (event.testAccuracy !== undefined) this.accuracy = accuracyText(event.testAccuracy);
    this.loss = lossText(event.trainLoss);
  }

  get finished(): boolean {
    return this.done !== undefined && this.done >= this.rounds;
  }

  /** `ETA 3m05s`, or `ETA –` before a round is measured. */
  etaText(): string {
    const ms = this.timer.remainingMs(this.rounds - (this.done ?? 0));
    return `ETA ${ms === undefined ? '–' : durationText(ms)}`;
  }

  elapsedText(): string {
    return durationText(this.timer.elapsedMs());
  }
}
