import cliProgress from 'cli-progress';
import type { RoundEvent } from '@fedtune/core';
import type { RunProgress } from './runProgressContract.js';
import { terminalText } from './terminalText.js';
import { TrackedRun } from './trackedRun.js';

/**
 * One bar per run on a terminal. A bar is stopped when its run's last round is in: the bars redraw
 * on a timer, and a bar left running would go on counting its time while later runs train.
 */
export class BarProgress implements RunProgress {
  private readonly bars: cliProgress.MultiBar;
  private readonly runs = new Map<string, { run: TrackedRun; bar: cliProgress.SingleBar }>();

  constructor(
    out: NodeJS.WritableStream,
    private readonly labelWidth: number,
    private readonly now: () => number,
  ) {
    this.bars = new cliProgress.MultiBar(
      {
        stream: out,
        // cli-progress's own ETA assumes every step as long as the mean since the bar started, which
        // a resumed run (starting past 0) and slower evaluation rounds throw off: ours is measured.
        format: '{label} {bar} round {value}/{total} | acc {accuracy} | loss {loss} | {duration_formatted} | {status}',
        barsize: 24,
        hideCursor: true,
        // Finished runs keep their bar, so the screen ends with every run's last accuracy.
        clearOnComplete: false,
        autopadding: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(label: string, rounds: number): void {
    const run = new TrackedRun(label, rounds, this.now);
    const payload = { label: run.label.padEnd(this.labelWidth), accuracy: run.accuracy, loss: run.loss, status: run.etaText() };
    this.runs.set(label, { run, bar: this.bars.create(rounds, 0, payload) });
  }

  round(event: RoundEvent): void {
    const shown = this.runs.get(event.label);
    if (shown === undefined) return;
    const { run, bar } = shown;
    run.record(event);
    bar.update(run.done ?? 0, { accuracy: run.accuracy, loss: run.loss, status: run.finished ? 'done' : run.etaText() });
    if (run.finished) {
      bar.stop();
      this.runs.delete(event.label);
    }
  }

  log(line: string): void {
    this.bars.log(`${terminalText(line, { keepLineFeeds: true })}\n`);
  }

  /** Marks the runs that did not finish as stopped, draws the bars a last time and restores the cursor. */
  stop(): void {
    for (const { bar } of this.runs.values()) {
      bar.update({ status: 'stopped' });
      bar.stop();
    }
    this.runs.clear();
    this.bars.stop();
  }
}
