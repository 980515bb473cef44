import type { RunGroupSummary } from '../analysis/summariseRuns.js';
import { bits, megabytes, percent, seconds, shortPercent, withSpread } from './formatValues.js';

/** The summary as display text: one row per group, values as `mean ± std` over seeds. */
export interface SummaryTable {
  header: string[];
  /** Per column: text columns left, numbers right. */
  align: ('left' | 'right')[];
  rows: string[][];
}

/**
 * The summary table shared by the HTML report and `fedtune compare`: run, seeds, rounds, final
 * and best test accuracy, the final perplexity of next-byte runs, total uplink and downlink megabytes, bits to reach the target (when
 * one was given) and wall time of the rounds.
 */
export function summaryTable(summaries: readonly RunGroupSummary[]): SummaryTable {
  const target = summaries.find((summary) => summary.bitsToTarget !== undefined)?.bitsToTarget?.target;
  const perplexity = summaries.some((summary) => summary.finalPerplexity !== null);
  const columns: { title: string; align: 'left' | 'right'; cell: (summary: RunGroupSummary) => string }[] = [
    { title: 'run', align: 'left', cell: (s) => s.label },
    { title: 'seeds', align: 'left', cell: (s) => s.seeds.join(', ') },
    { title: 'rounds', align: 'right', cell: roundsText },
    {
      title: 'final acc',
      align: 'right',
      cell: (s) => (s.finalAccuracy === null ? '–' : withSpread(s.finalAccuracy, percent)),
    },
    {
      title: 'best acc',
      align: 'right',
      cell: (s) => (s.bestAccuracy === null ? '–' : withSpread(s.bestAccuracy, percent)),
    },
    ...(perplexity
      ? [
          {
            title: 'final ppl',
            align: 'right' as const,
            cell: (s: RunGroupSummary) => (s.finalPerplexity === null ? '–' : withSpread(s.finalPerplexity, (v) => v.toFixed(2))),
          },
        ]
      : []),
    { title: 'uplink MB', align: 'right', cell: (s) => withSpread(s.totalUplinkBytes, megabytes) },
    { title: 'downlink MB', align: 'right', cell: (s) => withSpread(s.totalDownlinkBytes, megabytes) },
    ...(target === undefined
      ? []
      : [{ title: `bits to ${shortPercent(target)}`, align: 'right' as const, cell: bitsToTargetText }]),
    { title: 'wall s', align: 'right', cell: (s) => withSpread(s.wallMs, seconds) },
  ];
  return {
    header: columns.map((column) => column.title),
    align: columns.map((column) => column.align),
    rows: summaries.map((summary) => columns.map((column) => column.cell(summary))),
  };
}

/** `15`, or `9 of 15` for a run cut short, or `9–15 of 15` over seeds that stopped at different rounds. */
function roundsText(summary: RunGroupSummary): string {
  const fewest = Math.min(...summary.roundsFinished);
  const most = Math.max(...summary.roundsFinished);
  if (fewest === summary.roundsPlanned) return String(fewest);
  return `${fewest === most ? fewest : `${fewest}–${most}`} of ${summary.roundsPlanned}`;
}

/** `1.23 Mbit ± 45.6 kbit`, marked `(2 of 3 runs)` when some runs never reached the target. */
function bitsToTargetText(summary: RunGroupSummary): string {
  const result = summary.bitsToTarget;
  if (result === undefined || result.bits === null) return 'not reached';
  const text = withSpread(result.bits, bits);
  return result.reached === result.of ? text : `${text} (${result.reached} of ${result.of} runs)`;
}
