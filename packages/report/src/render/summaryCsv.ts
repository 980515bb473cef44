import type { RunGroupSummary } from '../analysis/summariseRuns.js';
import type { Statistic } from '../analysis/statistics.js';
import { csvField } from './csvField.js';
import { adapterMetricsIn, tasksIn } from './summarySections.js';

/**
 * The summary as CSV for spreadsheets and plotting scripts: raw numbers (fractions, bytes,
 * bits, milliseconds, counts), each quantity as a `_mean` and `_std` column; empty where not
 * known. The columns of earlier versions come first, in their order; then the losses, late
 * accuracy, baseline differences, uploads and clustering; then one pair per task
 * (`task_accuracy_<task>`) and per adapter metric (`metric_<name>`) that any group has; then one
 * pair per task of the majority adapter's accuracy (`majority_adapter_accuracy_<task>`).
 */
export function summaryCsv(summaries: readonly RunGroupSummary[]): string {
  const tasks = tasksIn(summaries);
  const majorityTasks = tasksIn(summaries, (s) => s.finalMajorityAdapterTaskAccuracy);
  const metrics = adapterMetricsIn(summaries);
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
    'trainable_parameters',
    ...pair('final_test_loss'),
    ...pair('final_train_loss'),
    'late_evaluations',
    ...pair('late_accuracy'),
    'baseline',
    'baseline_pairs',
    ...pair('final_accuracy_vs_baseline'),
    ...pair('late_accuracy_vs_baseline'),
    ...pair('uploads_sent'),
    ...pair('uploads_skipped'),
    ...pair('uploads_lost'),
    ...pair('updates_rejected'),
    ...pair('bits_per_value'),
    ...pair('uplink_bytes_per_upload'),
    ...pair('clustering_accuracy'),
    ...pair('adjusted_rand_index'),
    ...tasks.flatMap((task) => pair(`task_accuracy_${task}`)),
    ...metrics.flatMap((name) => pair(`metric_${name}`)),
    ...majorityTasks.flatMap((task) => pair(`majority_adapter_accuracy_${task}`)),
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
    s.trainableParameters === null ? '' : String(s.trainableParameters),
    ...cells(s.finalTestLoss),
    ...cells(s.finalTrainLoss),
    s.lateAccuracy === undefined ? '' : String(s.lateAccuracy.evaluations),
    ...cells(s.lateAccuracy?.accuracy ?? null),
    s.versusBaseline?.baseline ?? '',
    s.versusBaseline === undefined ? '' : String(s.versusBaseline.pairs),
    ...cells(s.versusBaseline?.finalAccuracy ?? null),
    ...cells(s.versusBaseline?.lateAccuracy ?? null),
    ...cells(s.uploadsSent),
    ...cells(s.uploadsSkipped),
    ...cells(s.uploadsLost),
    ...cells(s.updatesRejected),
    ...cells(s.bitsPerValue),
    ...cells(s.uplinkBytesPerUpload),
    ...cells(s.finalClustering?.accuracy ?? null),
    ...cells(s.finalClustering?.adjustedRandIndex ?? null),
    ...tasks.flatMap((task) => cells(s.finalTaskAccuracy.find((entry) => entry.task === task)?.accuracy ?? null)),
    ...metrics.flatMap((name) => cells(s.finalAdapterMetrics.find((metric) => metric.name === name)?.value ?? null)),
    ...majorityTasks.flatMap((task) =>
      cells(s.finalMajorityAdapterTaskAccuracy.find((entry) => entry.task === task)?.accuracy ?? null),
    ),
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
