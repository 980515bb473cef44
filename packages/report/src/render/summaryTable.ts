import type { RunGroupSummary } from '../analysis/summariseRuns.js';
import type { VersusBaseline } from '../analysis/baseline.js';
import type { Statistic } from '../analysis/statistics.js';
import {
  bits,
  count,
  kilobytes,
  knownWithSpread,
  megabytes,
  MISSING,
  percent,
  points,
  seconds,
  shortPercent,
  signedPoints,
  withSpread,
} from './formatValues.js';

/** The summary as display text: one row per group, values as `mean ± std` over seeds. */
export interface SummaryTable {
  header: string[];
  /** Per column: text columns left, numbers right. */
  align: ('left' | 'right')[];
  rows: string[][];
}

/** One column of a summary table: its title, alignment and the text of each group's cell. */
export interface SummaryColumn {
  title: string;
  align: 'left' | 'right';
  cell: (summary: RunGroupSummary) => string;
}

/**
 * The summary table shared by the HTML report and `fedtune compare`: run, seeds, rounds, trainable
 * parameters, final test accuracy (and, when asked for, the late accuracy and the differences to
 * the baseline), best accuracy, the final perplexity of next-byte runs, final test and training
 * loss (each where some group has one), total uplink and downlink megabytes, uplink kilobytes per upload sent, bits to reach the target (when one was given) and
 * wall time of the rounds.
 */
export function summaryTable(summaries: readonly RunGroupSummary[]): SummaryTable {
  const target = summaries.find((summary) => summary.bitsToTarget !== undefined)?.bitsToTarget?.target;
  const late = summaries.find((summary) => summary.lateAccuracy !== undefined)?.lateAccuracy?.evaluations;
  const baseline = summaries.find((summary) => summary.versusBaseline !== undefined)?.versusBaseline?.baseline;
  // Columns of quantities some ledgers lack: shown when any group has a value.
  const present = (value: (summary: RunGroupSummary) => Statistic | null) => summaries.some((s) => value(s) !== null);
  const perplexity = present((s) => s.finalPerplexity);
  const testLoss = present((s) => s.finalTestLoss);
  const trainLoss = present((s) => s.finalTrainLoss);
  const accuracy = (statistic: Statistic | null | undefined) => knownWithSpread(statistic, percent);
  // The baseline's own row is left blank; a group with no seed in common with it has no difference.
  const difference = (pick: (versus: VersusBaseline) => Statistic | null) => (s: RunGroupSummary) => {
    if (s.versusBaseline === undefined) return '';
    return knownWithSpread(pick(s.versusBaseline), signedPoints, points);
  };
  const decimals = (digits: number) => (statistic: Statistic | null) =>
    knownWithSpread(statistic, (value) => value.toFixed(digits));
  const columns: SummaryColumn[] = [
    { title: 'run', align: 'left', cell: (s) => s.label },
    { title: 'seeds', align: 'left', cell: (s) => s.seeds.join(', ') },
    { title: 'rounds', align: 'right', cell: roundsText },
    {
      title: 'params',
      align: 'right',
      cell: (s) => (s.trainableParameters === null ? MISSING : count(s.trainableParameters)),
    },
    { title: 'final acc', align: 'right', cell: (s) => accuracy(s.finalAccuracy) },
    ...(late === undefined
      ? []
      : [
          {
            title: `last ${late} acc`,
            align: 'right' as const,
            cell: (s: RunGroupSummary) => accuracy(s.lateAccuracy?.accuracy),
          },
        ]),
    ...(baseline === undefined
      ? []
      : [
          {
            title: `final vs ${baseline} (pts)`,
            align: 'right' as const,
            cell: difference((versus) => versus.finalAccuracy),
          },
          ...(late === undefined
            ? []
            : [
                {
                  title: `last ${late} vs ${baseline} (pts)`,
                  align: 'right' as const,
                  cell: difference((versus) => versus.lateAccuracy),
                },
              ]),
        ]),
    { title: 'best acc', align: 'right', cell: (s) => accuracy(s.bestAccuracy) },
    ...(perplexity
      ? [{ title: 'final ppl', align: 'right' as const, cell: (s: RunGroupSummary) => decimals(2)(s.finalPerplexity) }]
      : []),
    ...(testLoss
      ? [{ title: 'test loss', align: 'right' as const, cell: (s: RunGroupSummary) => decimals(3)(s.finalTestLoss) }]
      : []),
    ...(trainLoss
      ? [{ title: 'train loss', align: 'right' as const, cell: (s: RunGroupSummary) => decimals(3)(s.finalTrainLoss) }]
      : []),
    { title: 'uplink MB', align: 'right', cell: (s) => withSpread(s.totalUplinkBytes, megabytes) },
    { title: 'uplink kB/upload', align: 'right', cell: (s) => knownWithSpread(s.uplinkBytesPerUpload, kilobytes) },
    { title: 'downlink MB', align: 'right', cell: (s) => withSpread(s.totalDownlinkBytes, megabytes) },
    ...(target === undefined
      ? []
      : [{ title: `bits to ${shortPercent(target)}`, align: 'right' as const, cell: bitsToTargetText }]),
    { title: 'wall s', align: 'right', cell: (s) => withSpread(s.wallMs, seconds) },
  ];
  return tableOf(summaries, columns);
}

/** The table of `columns`, one row per group. */
export function tableOf(summaries: readonly RunGroupSummary[], columns: readonly SummaryColumn[]): SummaryTable {
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
