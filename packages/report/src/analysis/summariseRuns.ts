import type { RunRecord } from '../read/types.js';
import { groupRuns, type RunGroup } from './groupRuns.js';
import { bitsToReach, runMetrics } from './runMetrics.js';
import { statisticOf, statisticOfSome, type Statistic } from './statistics.js';

/** How {@link summariseRuns} measures the runs. */
export interface SummaryOptions {
  /** Test accuracy (a fraction in (0, 1]) for "bits to reach the target". */
  target?: number;
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
  /** Null when no run of the group evaluated a round yet. */
  finalAccuracy: Statistic | null;
  bestAccuracy: Statistic | null;
  /** Null unless the runs report perplexity (next-byte tasks). */
  finalPerplexity: Statistic | null;
  totalUplinkBytes: Statistic;
  totalDownlinkBytes: Statistic;
  /** Present when a target was asked for. */
  bitsToTarget?: BitsToTarget;
  wallMs: Statistic;
}

/** Groups the runs by seed (see {@link groupRuns}) and summarises each group. */
export function summariseRuns(runs: readonly RunRecord[], options: SummaryOptions = {}): RunGroupSummary[] {
  return groupRuns(runs).map((group) => summariseGroup(group, options));
}

/** The summary of one group. */
export function summariseGroup(group: RunGroup, options: SummaryOptions): RunGroupSummary {
  const metrics = group.runs.map(runMetrics);
  const over = (values: (number | null)[]) => statisticOf(values.filter((value): value is number => value !== null));
  const summary: RunGroupSummary = {
    label: group.label,
    dirs: group.runs.map((run) => run.dir),
    seeds: group.runs.map((run) => run.experiment.seed),
    roundsFinished: group.runs.map((run) => run.ledger.length),
    roundsPlanned: Math.max(...group.runs.map((run) => run.plannedRounds)),
    finalAccuracy: over(metrics.map((m) => m.finalAccuracy)),
    bestAccuracy: over(metrics.map((m) => m.bestAccuracy)),
    finalPerplexity: over(metrics.map((m) => m.finalPerplexity)),
    totalUplinkBytes: statisticOfSome(metrics.map((m) => m.totalUplinkBytes)),
    totalDownlinkBytes: statisticOfSome(metrics.map((m) => m.totalDownlinkBytes)),
    wallMs: statisticOfSome(metrics.map((m) => m.wallMs)),
  };
  const { target } = options;
  if (target !== undefined) {
    const bits = group.runs.map((run) => bitsToReach(run.ledger, target));
    const reached = bits.filter((value) => value !== null).length;
    summary.bitsToTarget = { target, bits: over(bits), reached, of: group.runs.length };
  }
  return summary;
}
