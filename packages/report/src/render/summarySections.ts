import type { RunGroupSummary } from '../analysis/summariseRuns.js';
import type { TaskAccuracy } from '../analysis/taskAccuracy.js';
import { count, knownWithSpread, MISSING, percent, significantDecimals, withSpread } from './formatValues.js';
import { summaryTable, tableOf, type SummaryColumn, type SummaryTable } from './summaryTable.js';

/** One titled table of the summary. */
export interface SummarySection {
  /** Stable name: `summary`, `tasks`, `majority-adapter`, `clustering`, `adapter-metrics` or `uploads`. */
  id: string;
  title: string;
  table: SummaryTable;
}

/**
 * Every table of the summary, one row per group in each: the {@link summaryTable}; the final
 * accuracy per task, averaged over each task's clients, and that of the adapter most of a task's
 * clients hold (multi-task runs); the clustering of the slots (per-slot aggregators); the
 * adapter's metrics (adapters that report them); and the uploads sent, skipped, lost and rejected
 * with the bits per value. A table none of the groups has values for is left out.
 */
export function summarySections(summaries: readonly RunGroupSummary[]): SummarySection[] {
  const sections: SummarySection[] = [{ id: 'summary', title: 'Summary', table: summaryTable(summaries) }];
  const add = (id: string, title: string, columns: SummaryColumn[]) => {
    if (columns.length > 0) sections.push({ id, title, table: tableOf(summaries, [RUN, ...columns]) });
  };
  add('tasks', 'Accuracy per task at the last evaluation', taskColumns(summaries, (s) => s.finalTaskAccuracy));
  add(
    'majority-adapter',
    'Accuracy per task of the adapter most of its clients hold',
    taskColumns(summaries, (s) => s.finalMajorityAdapterTaskAccuracy),
  );
  add('clustering', 'Clustering of the adapter slots at the last evaluation', clusteringColumns(summaries));
  add('adapter-metrics', 'Adapter metrics at the last evaluation', adapterMetricColumns(summaries));
  add('uploads', 'Uploads per run', uploadColumns());
  return sections;
}

const RUN: SummaryColumn = { title: 'run', align: 'left', cell: (s) => s.label };

/** The tasks any group reports an accuracy for (the client-averaged one unless `of` picks another), in the order first met. */
export function tasksIn(
  summaries: readonly RunGroupSummary[],
  of: (s: RunGroupSummary) => readonly TaskAccuracy[] = (s) => s.finalTaskAccuracy,
): string[] {
  return [...new Set(summaries.flatMap((s) => of(s).map((entry) => entry.task)))];
}

/** The adapter metrics any group reports, in the order first met. */
export function adapterMetricsIn(summaries: readonly RunGroupSummary[]): string[] {
  return [...new Set(summaries.flatMap((s) => s.finalAdapterMetrics.map((metric) => metric.name)))];
}

/** A column per task of the accuracies `of` picks, for the tasks any group has them for. */
function taskColumns(summaries: readonly RunGroupSummary[], of: (s: RunGroupSummary) => readonly TaskAccuracy[]): SummaryColumn[] {
  return tasksIn(summaries, of).map((task) => ({
    title: task,
    align: 'right',
    cell: (s) => knownWithSpread(of(s).find((entry) => entry.task === task)?.accuracy, percent),
  }));
}

function clusteringColumns(summaries: readonly RunGroupSummary[]): SummaryColumn[] {
  if (summaries.every((s) => s.finalClustering === null)) return [];
  const fixed = (value: number) => value.toFixed(2);
  return [
    { title: 'clustering acc', align: 'right', cell: (s) => knownWithSpread(s.finalClustering?.accuracy, percent) },
    {
      title: 'adjusted Rand index',
      align: 'right',
      cell: (s) => knownWithSpread(s.finalClustering?.adjustedRandIndex, fixed),
    },
  ];
}

function adapterMetricColumns(summaries: readonly RunGroupSummary[]): SummaryColumn[] {
  return adapterMetricsIn(summaries).map((name) => ({
    title: name,
    align: 'right',
    cell: (s) => {
      const value = s.finalAdapterMetrics.find((metric) => metric.name === name)?.value;
      if (value === undefined) return MISSING;
      // The spread takes the mean's decimals, so that the two read as one number.
      const digits = significantDecimals(value.mean);
      return withSpread(value, (v) => v.toFixed(digits));
    },
  }));
}

function uploadColumns(): SummaryColumn[] {
  return [
    { title: 'uploads sent', align: 'right', cell: (s) => withSpread(s.uploadsSent, count) },
    { title: 'skipped', align: 'right', cell: (s) => withSpread(s.uploadsSkipped, count) },
    { title: 'lost', align: 'right', cell: (s) => withSpread(s.uploadsLost, count) },
    { title: 'rejected', align: 'right', cell: (s) => withSpread(s.updatesRejected, count) },
    { title: 'bits per value', align: 'right', cell: (s) => knownWithSpread(s.bitsPerValue, (v) => v.toFixed(2)) },
  ];
}
