import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRunProgress } from '../src/runProgress.js';

/** A terminal wide enough that no bar line is cut. */
class TerminalStream extends Writable {
  readonly isTTY = true;
  readonly columns = 200;
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Every drawing of the bar line that starts with `label`, in order. */
function drawings(text: string, label: string): string[] {
  return text
    .split(/\u001b\[[0-9;?]*[A-Za-z]|\r|\n/)
    .map((piece) => piece.trim())
    .filter((piece) => piece.startsWith(label));
}

describe('progress bars on a terminal', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const bars = (stdout: TerminalStream, labels: string[]) =>
    createRunProgress({ stdout, stderr: stdout }, labels, { env: {}, now: () => Date.now() });

  it("stop counting a finished run's time while later runs go on", () => {
    const stdout = new TerminalStream();
    const progress = bars(stdout, ['first', 'second']);
    progress.start('first', 2);
    vi.advanceTimersByTime(1_000);
    progress.round({ label: 'first', round: 0, rounds: 2, trainLoss: 1 });
    vi.advanceTimersByTime(1_000);
    progress.round({ label: 'first', round: 1, rounds: 2, trainLoss: 0.5, testAccuracy: 0.5 });
    progress.start('second', 3);
    vi.advanceTimersByTime(10_000);
    progress.stop();
    const first = drawings(stdout.text, 'first');
    expect(first.at(-1)).toMatch(/round 2\/2 .*\|\s+2s \| done$/);
    expect(first.filter((line) => /\|\s+1[0-2]s/.test(line))).toEqual([]);
  });

  it('show an ETA from the measured rounds', () => {
    const stdout = new TerminalStream();
    const progress = bars(stdout, ['run']);
    progress.start('run', 10);
    vi.advanceTimersByTime(3_000);
    progress.round({ label: 'run', round: 0, rounds: 10, trainLoss: 1 });
    vi.advanceTimersByTime(200);
    // 3 s per round, 9 rounds left.
    expect(drawings(stdout.text, 'run').at(-1)).toMatch(/round 1\/10 .*\| ETA 27s$/);
    progress.stop();
  });

  it('mark a run that failed part-way as stopped, and draw nothing more once stopped', () => {
    const stdout = new TerminalStream();
    const progress = bars(stdout, ['failing']);
    progress.start('failing', 5);
    vi.advanceTimersByTime(1_000);
    progress.round({ label: 'failing', round: 0, rounds: 5, trainLoss: 1 });
    vi.advanceTimersByTime(1_000);
    // What the run action's `finally` does when the engine throws.
    progress.stop();
    expect(drawings(stdout.text, 'failing').at(-1)).toMatch(/round 1\/5 .*\|\s+2s \| stopped$/);
    expect(stdout.text).toContain('\u001b[?25h');
    const afterStop = stdout.text.length;
    vi.advanceTimersByTime(10_000);
    expect(stdout.text.length).toBe(afterStop);
    expect(vi.getTimerCount()).toBe(0);
  });
});
