import Table from 'cli-table3';
import type { RunSummary } from '@fedtune/core';
import { terminalText } from './terminalText.js';

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const megabytes = (bytes: number) => (bytes / 1e6).toFixed(3);
const count = new Intl.NumberFormat('en-US');

/** Final accuracy relative to the first (main) run, in percentage points. */
const pointsVersus = (fraction: number, reference: number) => {
  const points = (fraction - reference) * 100;
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)}`;
};

/**
 * One row per run: accuracy (and its gap to the main run, so a baseline reads at a glance),
 * traffic (MB = 10⁶ bytes), rounds, wall time and trainable parameters.
 */
export function renderSummaryTable(summaries: readonly RunSummary[]): string {
  const reference = summaries[0]?.finalAccuracy ?? 0;
  const table = new Table({
    head: ['run', 'final acc', 'vs main (pts)', 'best acc', 'uplink MB', 'downlink MB', 'rounds', 'wall s', 'trainable params'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    // No colours: the table is also read from logs and files.
    style: { head: [], border: [] },
  });
  for (const summary of summaries) {
    table.push([
      // The experiment's label: its control characters are shown, not obeyed.
      terminalText(summary.label),
      percent(summary.finalAccuracy),
      summary === summaries[0] ? '' : pointsVersus(summary.finalAccuracy, reference),
      percent(summary.bestAccuracy),
      megabytes(summary.totalUplinkBytes),
      megabytes(summary.totalDownlinkBytes),
      String(summary.rounds),
      (summary.wallMs / 1000).toFixed(1),
      count.format(summary.trainableParameters),
    ]);
  }
  return table.toString();
}
