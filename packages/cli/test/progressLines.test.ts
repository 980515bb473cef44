import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { createRunProgress, showsBars } from '../src/runProgress.js';
import { CapturedStream, CONTROL } from './capturedStream.js';

/** Progress on `stdout`, timed by a clock that advances one second per reading. */
function lines(stdout: CapturedStream, env: NodeJS.ProcessEnv = {}) {
  let at = 0;
  return createRunProgress({ stdout, stderr: stdout }, ['LoRA r=4'], { env, now: () => (at += 1_000) });
}

const round = (index: number, rounds: number, testAccuracy?: number) => ({
  label: 'LoRA r=4',
  round: index,
  rounds,
  trainLoss: 1 / (index + 1),
  ...(testAccuracy === undefined ? {} : { testAccuracy }),
});

describe('progress without a terminal', () => {
  it('prints a start line, a line per round of a short run with its ETA, and a finish line', () => {
    const stdout = new CapturedStream();
    const progress = lines(stdout);
    progress.start('LoRA r=4', 3);
    progress.round(round(0, 3));
    progress.log('round 1: update of client 3 rejected: NaN');
    progress.round(round(1, 3, 0.71234));
    progress.round(round(2, 3));
    progress.stop();
    expect(stdout.text).toBe(
      '[LoRA r=4] started: 3 rounds\n' +
        '[LoRA r=4] round 1/3  acc –  loss 1.0000  ETA 2s\n' +
        'round 1: update of client 3 rejected: NaN\n' +
        '[LoRA r=4] round 2/3  acc 71.23%  loss 0.5000  ETA 1s\n' +
        '[LoRA r=4] round 3/3  acc 71.23%  loss 0.3333\n' +
        '[LoRA r=4] finished in 4s\n',
    );
  });

  it('prints a line each tenth of a long run, counting from where a resumed run starts', () => {
    const stdout = new CapturedStream();
    const progress = lines(stdout);
    progress.start('LoRA r=4', 100);
    for (let index = 40; index < 100; index++) progress.round(round(index, 100));
    const printed = stdout.text.split('\n').filter((line) => line !== '');
    expect(printed).toHaveLength(1 + 5 + 2);
    expect(printed.slice(1, -1).map((line) => line.match(/round (\d+)\/100/)?.[1])).toEqual(['50', '60', '70', '80', '90', '100']);
    // Sixty rounds of a second each, read off a clock that also ticked at the start and the end.
    expect(printed.at(-1)).toBe('[LoRA r=4] finished in 1m01s');
  });

  it('says where a run that failed part-way stopped', () => {
    const stdout = new CapturedStream();
    const progress = lines(stdout);
    progress.start('LoRA r=4', 5);
    progress.round(round(0, 5));
    progress.stop();
    expect(stdout.text.split('\n').at(-2)).toBe('[LoRA r=4] stopped at round 1/5 after 2s');
  });

  it('writes no escape sequence, on a pipe or on a terminal under CI', () => {
    for (const [stdout, env] of [
      [new CapturedStream(), {}],
      [new CapturedStream(true), { CI: 'true' }],
    ] as const) {
      const progress = lines(stdout, env);
      progress.start('LoRA r=4', 2);
      progress.round(round(0, 2));
      progress.round(round(1, 2, 0.5));
      progress.stop();
      expect(stdout.text).toMatch(/^\[LoRA r=4\] started: 2 rounds\n/);
      expect(stdout.text).toMatch(/\n\[LoRA r=4\] round 2\/2 .*\n\[LoRA r=4\] finished in \d+s\n$/);
      expect(stdout.text).not.toMatch(CONTROL);
    }
  });
});

describe('showsBars', () => {
  it('needs a terminal, and CI unset, empty, 0 or false', () => {
    const terminal = { isTTY: true } as CliIo['stdout'];
    expect(showsBars(terminal, {})).toBe(true);
    expect(showsBars(terminal, { CI: 'false' })).toBe(true);
    expect(showsBars(terminal, { CI: '0' })).toBe(true);
    expect(showsBars(terminal, { CI: '' })).toBe(true);
    expect(showsBars(terminal, { CI: '1' })).toBe(false);
    expect(showsBars(terminal, { CI: 'woodpecker' })).toBe(false);
    expect(showsBars({ isTTY: undefined } as CliIo['stdout'], {})).toBe(false);
    expect(showsBars({ isTTY: false } as CliIo['stdout'], {})).toBe(false);
  });
});
