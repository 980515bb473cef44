import type { RoundEvent } from '@fedtune/core';
import type { RunProgress } from './runProgressContract.js';
import { terminalText } from './terminalText.js';
import { TrackedRun } from './trackedRun.js';

/** Progress lines a run prints between its start and finish lines, at most. */
const LINES_PER_RUN = 10;

/**
 * Plain lines for logs and CI: one when a run starts; one each tenth of its rounds (every round
 * when it has ten or fewer) with an ETA; its last round and how long it took when it finishes, or
 * where it stopped when it fails. No control sequences.
 */
export class LineProgress implements RunProgress {
  private readonly runs = new Map<string, TrackedRun>();

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly now: () => number,
  ) {}

  start(label: string, rounds: number): void {
    const run = new TrackedRun(label, rounds, this.now);
    this.runs.set(label, run);
    this.out.write(`[${run.label}] started: ${rounds} rounds\n`);
  }

  round(event: RoundEvent): void {
    const run = this.runs.get(event.label);
    if (run === undefined) return;
    const before = run.done ?? event.round;
    run.record(event);
    const position = `[${run.label}] round ${run.done}/${run.rounds}  acc ${run.accuracy}  loss ${run.loss}`;
    if (run.finished) {
      // The last round's line keeps the form of earlier versions' per-round lines, for log readers.
      this.out.write(`${position}\n[${run.label}] finished in ${run.elapsedText()}\n`);
      this.runs.delete(event.label);
    } else if (this.share(run, run.done ?? 0) > this.share(run, before)) {
      this.out.write(`${position}  ${run.etaText()}\n`);
    }
  }

  log(line: string): void {
    this.out.write(`${terminalText(line, { keepLineFeeds: true })}\n`);
  }

  /** Says which runs did not finish, so a log shows where a failed run stopped. */
  stop(): void {
    for (const run of this.runs.values()) {
      this.out.write(`[${run.label}] stopped at round ${run.done ?? 0}/${run.rounds} after ${run.elapsedText()}\n`);
    }
    this.runs.clear();
  }

  /** Which of the run's LINES_PER_RUN parts `done` rounds reach. */
  private share(run: TrackedRun, done: number): number {
    return Math.floor((done * LINES_PER_RUN) / run.rounds);
  }
}
