import type { RunRecord } from '../read/types.js';
import { ReportOptionError } from '../reportOptionError.js';
import { chooseAdapterMetrics, groupAdapterMetrics, type AdapterMetric } from './adapterMetrics.js';
import { versusBaseline, type VersusBaseline } from './baseline.js';
import { groupRuns, type GroupLabels, type RunGroup } from './groupRuns.js';
import { bitsToReach, lateAccuracy, runMetrics, type RunMetrics } from './runMetrics.js';
import { statisticOfKnown, statisticOfSome, type Statistic } from './statistics.js';
import { groupTaskAccuracy, type TaskAccuracy } from './taskAccuracy.js';

/** How {@link summariseRuns} groups and measures the runs. */
export interface SummaryOptions {
  /** Test accuracy (a fraction in (0, 1]) for "bits to reach the target". */
  target?: number;
  /** Also average each run's accuracy over its last this many evaluated rounds (a whole number ≥ 1). */
  lateEvaluations?: number;
  /** The label of the group every other group is compared with, seed by seed. */
  baseline?: string;
  /** Adapter metrics to summarise, by name; every metric the runs report when absent. */
  adapterMetrics?: readonly string[];
  /** How groups are named; `auto` when absent (see {@link GroupLabels}). */
  labels?: GroupLabels;
}

/** Uplink bits each run of a group needed to reach the target accuracy. */
export interface BitsToTarget {
  target: number;
  /** Over the runs that reached the target; null when none did. */
  bits: Statistic | null;
  /** How many runs reached the target, of `of`. */
  reached: number;
  of: number;
}

/** The mean accuracy over each run's last evaluations, summarised over the group. */
export interface LateAccuracy {
  /** How many of the last evaluated rounds each run's mean covers. */
  evaluations: number;
  /** Null when no run of the group evaluated a round. */
  accuracy: Statistic | null;
}

/** How the slots' parameters grouped by true task at the last evaluation, over the group's runs. */
export interface ClusteringSummary {
  accuracy: Statistic;
  adjustedRandIndex: Statistic;
}

/** One row of the summary table: a group of seeds, each value as mean ± std over its runs. */
export interface RunGroupSummary {
  label: string;
  /** The runs' folders, by seed. */
  dirs: string[];
  seeds: number[];
  /** Rounds each run finished, by seed. */
  roundsFinished: number[];
  /** Rounds the experiment planned. */
  roundsPlanned: number;
  /** Trainable parameters of one run, from `summary.json`; null when no run of the group finished. */
  trainableParameters: number | null;
  /** Null when no run of the group evaluated a round yet. */
  finalAccuracy: Statistic | null;
  bestAccuracy: Statistic | null;
  /** Present when asked for (`lateEvaluations`). */
  lateAccuracy?: LateAccuracy;
  /** Present on every group but the baseline when a baseline was asked for. */
  versusBaseline?: VersusBaseline;
  /** Null unless the runs report perplexity (next-byte tasks). */
  finalPerplexity: Statistic | null;
  /** Test cross-entropy at the last evaluated round; null when none was evaluated. */
  finalTestLoss: Statistic | null;
  /** Training loss of the last finished round. */
  finalTrainLoss: Statistic | null;
  /** Per-task accuracy at the last evaluation, in task order; empty unless the runs are multi-task. */
  finalTaskAccuracy: TaskAccuracy[];
  /**
   * Per-task accuracy of the adapter most of a task's clients hold, at the last evaluation; empty
   * unless the runs report it (multi-task runs).
   */
  finalMajorityAdapterTaskAccuracy: TaskAccuracy[];
  /** Null unless the runs report a clustering (per-slot aggregators on multi-task runs). */
  finalClustering: ClusteringSummary | null;
  /** The adapter's diagnostics at the last evaluation, in the order the runs report them. */
  finalAdapterMetrics: AdapterMetric[];
  totalUplinkBytes: Statistic;
  totalDownlinkBytes: Statistic;
  /** Per run: uploads sent, whether or not they arrived. */
  uploadsSent: Statistic;
  /** Per run: uploads a skip rule held back. */
  uploadsSkipped: Statistic;
  /** Per run: uploads the channel dropped. */
  uploadsLost: Statistic;
  /** Per run: updates refused because training diverged or the upload failed validation. */
  updatesRejected: Statistic;
  /** Uplink bits per value sent; null when the ledgers do not record values sent. */
  bitsPerValue: Statistic | null;
  /** Uplink bytes per upload sent; null when no run sent one. */
  uplinkBytesPerUpload: Statistic | null;
  /** Present when a target was asked for. */
  bitsToTarget?: BitsToTarget;
  wallMs: Statistic;
}

/** Groups the runs by seed (see {@link groupRuns}) and summarises each group. */
export function summariseRuns(runs: readonly RunRecord[], options: SummaryOptions = {}): RunGroupSummary[] {
  return summariseGroups(groupRuns(runs, options.labels), options);
}

/**
 * Summarises each group; with a baseline, every other group also gets its paired differences to
 * it. Throws a {@link ReportOptionError} for a baseline or adapter metric that no run has.
 */
export function summariseGroups(groups: readonly RunGroup[], options: SummaryOptions): RunGroupSummary[] {
  const { lateEvaluations } = options;
  if (lateEvaluations !== undefined && !(Number.isInteger(lateEvaluations) && lateEvaluations >= 1)) {
    throw new ReportOptionError(
      `late accuracy needs a whole number of evaluations, at least 1; got ${lateEvaluations}`,
    );
  }
  const metricNames = chooseAdapterMetrics(
    groups.flatMap((group) => group.runs),
    options.adapterMetrics,
  );
  const summaries = groups.map((group) => summariseGroup(group, metricNames, options));
  if (options.baseline === undefined) return summaries;
  const compared = versusBaseline(groups, options.baseline, lateEvaluations);
  return summaries.map((summary, index) => {
    const difference = compared[index];
    return difference === undefined ? summary : { ...summary, versusBaseline: difference };
  });
}

function summariseGroup(group: RunGroup, metricNames: readonly string[], options: SummaryOptions): RunGroupSummary {
  const metrics = group.runs.map(runMetrics);
  const over = (value: (metric: RunMetrics) => number | null) => statisticOfKnown(metrics.map(value));
  const total = (value: (metric: RunMetrics) => number) => statisticOfSome(metrics.map(value));
  const clusterings = metrics.flatMap((m) => (m.finalClustering === null ? [] : [m.finalClustering]));
  const summary: RunGroupSummary = {
    label: group.label,
    dirs: group.runs.map((run) => run.dir),
    seeds: group.runs.map((run) => run.experiment.seed),
    roundsFinished: group.runs.map((run) => run.ledger.length),
    roundsPlanned: Math.max(...group.runs.map((run) => run.plannedRounds)),
    trainableParameters: group.runs.find((run) => run.summary !== null)?.summary?.trainableParameters ?? null,
    finalAccuracy: over((m) => m.finalAccuracy),
    bestAccuracy: over((m) => m.bestAccuracy),
    finalPerplexity: over((m) => m.finalPerplexity),
    finalTestLoss: over((m) => m.finalTestLoss),
    finalTrainLoss: over((m) => m.finalTrainLoss),
    finalTaskAccuracy: groupTaskAccuracy(group.runs, metrics.map((m) => m.finalTaskAccuracy)),
    finalMajorityAdapterTaskAccuracy: groupTaskAccuracy(group.runs, metrics.map((m) => m.finalMajorityAdapterTaskAccuracy)),
    finalClustering:
      clusterings.length === 0
        ? null
        : {
            accuracy: statisticOfSome(clusterings.map((c) => c.accuracy)),
            adjustedRandIndex: statisticOfSome(clusterings.map((c) => c.adjustedRandIndex)),
          },
    finalAdapterMetrics: groupAdapterMetrics(metrics, metricNames),
    totalUplinkBytes: total((m) => m.totalUplinkBytes),
    totalDownlinkBytes: total((m) => m.totalDownlinkBytes),
    uploadsSent: total((m) => m.uploadsSent),
    uploadsSkipped: total((m) => m.uploadsSkipped),
    uploadsLost: total((m) => m.uploadsLost),
    updatesRejected: total((m) => m.updatesRejected),
    bitsPerValue: over((m) => m.bitsPerValue),
    uplinkBytesPerUpload: over((m) => m.uplinkBytesPerUpload),
    wallMs: total((m) => m.wallMs),
  };
  const { target, lateEvaluations } = options;
  if (lateEvaluations !== undefined) {
    const accuracy = statisticOfKnown(group.runs.map((run) => lateAccuracy(run.ledger, lateEvaluations)));
    summary.lateAccuracy = { evaluations: lateEvaluations, accuracy };
  }
  if (target !== undefined) {
    const bits = group.runs.map((run) => bitsToReach(run.ledger, target));
    const reached = bits.filter((value) => value !== null).length;
    summary.bitsToTarget = { target, bits: statisticOfKnown(bits), reached, of: group.runs.length };
  }
  return summary;
}
