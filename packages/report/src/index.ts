export { buildReport, type ReportOptions } from './buildReport.js';
export { reportedAdapterMetrics, type AdapterMetric } from './analysis/adapterMetrics.js';
export type { VersusBaseline } from './analysis/baseline.js';
export { groupRuns, type GroupLabels, type RunGroup } from './analysis/groupRuns.js';
export {
  bitsToReach,
  finalAccuracy,
  lateAccuracy,
  runMetrics,
  type ClusteringFigures,
  type RunMetrics,
} from './analysis/runMetrics.js';
export { statisticOf, type Statistic } from './analysis/statistics.js';
export {
  summariseRuns,
  type BitsToTarget,
  type ClusteringSummary,
  type LateAccuracy,
  type RunGroupSummary,
  type SummaryOptions,
} from './analysis/summariseRuns.js';
export type { TaskAccuracy } from './analysis/taskAccuracy.js';
export { renderCharts, type ChartOptions, type RenderedChart } from './charts/renderCharts.js';
export { markedTables, replaceMarkedTables, type MarkedTable } from './docs/markedTables.js';
export { parseTarget } from './parseTarget.js';
export { discoverRuns, type DiscoveredRuns } from './read/discoverRuns.js';
export { readRun } from './read/readRun.js';
export type { ReadRunResult, ResolvedExperiment, RunRecord, SkippedRun } from './read/types.js';
export { pickColumns, pickSections } from './render/pickColumns.js';
export { roundsCsv } from './render/roundsCsv.js';
export { summaryCsv } from './render/summaryCsv.js';
export { summaryMarkdown } from './render/summaryMarkdown.js';
export { summarySections, type SummarySection } from './render/summarySections.js';
export { summaryTable, type SummaryTable } from './render/summaryTable.js';
export { ReportOptionError } from './reportOptionError.js';
export { writeChartSvgs } from './writeChartSvgs.js';
