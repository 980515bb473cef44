import type { LedgerRow } from '@fedtune/core';
import { ReportOptionError } from '../reportOptionError.js';
import type { RunGroup } from './groupRuns.js';
import { finalAccuracy, lateAccuracy } from './runMetrics.js';
import { statisticOfKnown, type Statistic } from './statistics.js';

/**
 * A group's accuracy minus the baseline's, run by run on the same seed (same data, clients and
 * initial model), so the spread is that of the difference rather than of either group.
 */
export interface VersusBaseline {
  /** The baseline group's label. */
  baseline: string;
  /** Seeds both groups ran. */
  pairs: number;
  /** Difference of the final accuracies; null when no seed pairs up. */
  finalAccuracy: Statistic | null;
  /** Difference of the late accuracies; null unless they were asked for and a seed pairs up. */
  lateAccuracy: Statistic | null;
}

/**
 * Each group's differences to the group labelled `baseline`, undefined for the baseline itself.
 * Throws a {@link ReportOptionError} naming the labels when no group has that label.
 */
export function versusBaseline(
  groups: readonly RunGroup[],
  baseline: string,
  lateEvaluations: number | undefined,
): (VersusBaseline | undefined)[] {
  const reference = groups.find((group) => group.label === baseline);
  if (reference === undefined) {
    const labels = groups.map((group) => `"${group.label}"`).join(', ');
    throw new ReportOptionError(
      `no runs are labelled "${baseline}" to compare with; the baseline must be one of the labels ${labels}`,
    );
  }
  const bySeed = new Map(reference.runs.map((run) => [run.experiment.seed, run]));
  return groups.map((group) => {
    if (group === reference) return undefined;
    const pairs = group.runs.flatMap((run) => {
      const other = bySeed.get(run.experiment.seed);
      return other === undefined ? [] : [[run, other] as const];
    });
    const difference = (measure: (ledger: readonly LedgerRow[]) => number | null) =>
      statisticOfKnown(pairs.map(([run, other]) => subtract(measure(run.ledger), measure(other.ledger))));
    return {
      baseline,
      pairs: pairs.length,
      finalAccuracy: difference(finalAccuracy),
      lateAccuracy:
        lateEvaluations === undefined ? null : difference((ledger) => lateAccuracy(ledger, lateEvaluations)),
    };
  });
}

function subtract(value: number | null, reference: number | null): number | null {
  return value === null || reference === null ? null : value - reference;
}
