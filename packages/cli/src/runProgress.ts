import cliProgress from 'cli-progress';
import type { RoundEvent } from '@fedtune/core';
import type { CliIo } from './io.js';
import { terminalText } from './terminalText.js';

/** Shows the progress of an experiment's runs; the engine's callbacks feed it. */
export interface RunProgress {
  start(label: string, rounds: number): void;
  round(event: RoundEvent): void;
  /** An engine message (a rejected update, a fallback), shown without breaking the bars. */
  log(line: string): void;
  /** Ends the display (restores the cursor on a terminal). */
  stop(): void;
}

/**
 * Bars on a terminal; one plain line per round otherwise, so logs and CI output stay readable.
 * Labels and messages come from the experiment, so their control characters are shown escaped.
 * @param labels every run's label, so the bars line up.
 */
export function createRunProgress(io: CliIo, labels: readonly string[]): RunProgress {
  const labelWidth = Math.max(0, ...labels.map((label) => terminalText(label).length));
  return io.stdout.isTTY === true ? new BarProgress(io.stdout, labelWidth) : new LineProgress(io.stdout);
}

/** A message line as printed: control characters escaped, line feeds kept. */
const messageText = (line: string) => terminalText(line, { keepLineFeeds: true });

const formatAccuracy = (accuracy: number | undefined) =>
  accuracy === undefined ? '–' : `${(accuracy * 100).toFixed(2)}%`;
const formatLoss = (loss: number | null): string => (loss === null ? '–' : loss.toFixed(4));

class LineProgress implements RunProgress {
  constructor(private readonly out: NodeJS.WritableStream) {}

  start(label: string, rounds: number): void {
    this.out.write(`${terminalText(label)}: ${rounds} rounds\n`);
  }

  round(event: RoundEvent): void {
    this.out.write(
      `[${terminalText(event.label)}] round ${event.round + 1}/${event.rounds}  acc ${formatAccuracy(event.testAccuracy)}  ` +
        `loss ${formatLoss(event.trainLoss)}\n`,
    );
  }

  log(line: string): void {
    this.out.write(`${messageText(line)}\n`);
  }

  stop(): void {}
}

class BarProgress implements RunProgress {
  private readonly bars: cliProgress.MultiBar;
  private current: { bar: cliProgress.SingleBar; accuracy: string } | undefined;

  constructor(out: NodeJS.WritableStream, private readonly labelWidth: number) {
    this.bars = new cliProgress.MultiBar(
      {
        stream: out,
        format: '{label} {bar} round {value}/{total} | acc {accuracy} | loss {loss} | {duration_formatted}',
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
    const payload = { label: terminalText(label).padEnd(this.labelWidth), accuracy: '–', loss: '–' };
    this.current = { bar: this.bars.create(rounds, 0, payload), accuracy: '–' };
  }

  round(event: RoundEvent): void {
    if (this.current === undefined) return;
    // Rounds without evaluation keep showing the last measured accuracy.
    if (event.testAccuracy !== undefined) this.current.accuracy = formatAccuracy(event.testAccuracy);
    this.current.bar.update(event.round + 1, { accuracy: this.current.accuracy, loss: formatLoss(event.trainLoss) });
  }

  log(line: string): void {
    this.bars.log(`${messageText(line)}\n`);
  }

  stop(): void {
    this.bars.stop();
  }
}
