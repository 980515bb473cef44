import { BarProgress } from './barProgress.js';
import type { CliIo } from './io.js';
import { LineProgress } from './lineProgress.js';
import { terminalText } from './terminalText.js';
import type { RunProgress } from './runProgressContract.js';

export type { RunProgress } from './runProgressContract.js';

/** What decides how progress is shown, and the clock it is timed with; the process's by default. */
export interface RunProgressOptions {
  env?: NodeJS.ProcessEnv;
  /** A monotonic clock in milliseconds. */
  now?: () => number;
}

/**
 * Bars on a terminal; plain lines (see {@link LineProgress}) when stdout is not a terminal or `CI`
 * is set, so logs and CI output stay readable. Labels and messages come from the experiment, so
 * their control characters are shown escaped.
 * @param labels every run's label, so the bars line up.
 */
export function createRunProgress(io: CliIo, labels: readonly string[], options: RunProgressOptions = {}): RunProgress {
  const now = options.now ?? (() => performance.now());
  if (!showsBars(io.stdout, options.env ?? process.env)) return new LineProgress(io.stdout, now);
  const labelWidth = Math.max(0, ...labels.map((label) => terminalText(label).length));
  return new BarProgress(io.stdout, labelWidth, now);
}

/**
 * Bars need a terminal, and CI logs keep every redraw as text: `CI` set to anything but empty,
 * `0` or `false` (as CI services set it) asks for lines even when a terminal is emulated.
 */
export function showsBars(stdout: CliIo['stdout'], env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI?.trim().toLowerCase();
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
  return stdout.isTTY === true && !inCi;
}
