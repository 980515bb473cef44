import Table from 'cli-table3';
import type { RunSummary } from '@fedtune/core';

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const megabytes = (bytes: number) => (bytes / 1e6).toFixed(3);
const count = new Intl.NumberFormat('en-US');

/** One row per run: accuracy, traffic (MB = 10⁶ bytes), rounds, wall time and trainable parameters. */
export function renderSummaryTable(summaries: readonly RunSummary[]): string {
  const table = new Table({
    head: ['run', 'final acc', 'best acc', 'uplink MB', 'downlink MB', 'rounds', 'wall s', 'trainable params'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    // No colours: the table is also read from logs and files.
    style: { head: [], border: [] },
  });
  for (const summary of summaries) {
    table.push([
      summary.label,
      percent(summary.finalAccuracy),
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
