import type { RunGroupSummary } from '../analysis/summariseRuns.js';
import type { Statistic } from '../analysis/statistics.js';

/**
 * The summary as CSV for spreadsheets and plotting scripts: raw numbers (fractions, bytes,
 * bits, milliseconds), each quantity as a `_mean` and `_std` column; empty where not known.
 */
export function summaryCsv(summaries: readonly RunGroupSummary[]): string {
  const header = [
    'run',
    'seeds',
    'rounds_finished_min',
    'rounds_planned',
    ...pair('final_accuracy'),
    ...pair('best_accuracy'),
    ...pair('final_perplexity'),
    ...pair('uplink_bytes'),
    ...pair('downlink_bytes'),
    'target_accuracy',
    ...pair('bits_to_target'),
    'runs_reaching_target',
    ...pair('wall_ms'),
  ];
  const rows = summaries.map((s) => [
    s.label,
    s.seeds.join(' '),
    String(Math.min(...s.roundsFinished)),
    String(s.roundsPlanned),
    ...cells(s.finalAccuracy),
    ...cells(s.bestAccuracy),
    ...cells(s.finalPerplexity),
    ...cells(s.totalUplinkBytes),
    ...cells(s.totalDownlinkBytes),
    s.bitsToTarget === undefined ? '' : String(s.bitsToTarget.target),
    ...cells(s.bitsToTarget?.bits ?? null),
    s.bitsToTarget === undefined ? '' : String(s.bitsToTarget.reached),
    ...cells(s.wallMs),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function pair(name: string): [string, string] {
  return [`${name}_mean`, `${name}_std`];
}

function cells(statistic: Statistic | null): [string, string] {
  if (statistic === null) return ['', ''];
  return [String(statistic.mean), statistic.std === null ? '' : String(statistic.std)];
}

/** RFC 4180: fields holding a comma, quote or line break are quoted, with quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
