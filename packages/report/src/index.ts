export { buildReport, type ReportOptions } from './buildReport.js';
export { groupRuns, type RunGroup } from './analysis/groupRuns.js';
export { bitsToReach, runMetrics, type RunMetrics } from './analysis/runMetrics.js';
export { statisticOf, type Statistic } from './analysis/statistics.js';
export {
  summariseRuns,
  type BitsToTarget,
  type RunGroupSummary,
  type SummaryOptions,
} from './analysis/summariseRuns.js';
export { renderCharts, type RenderedChart } from './charts/renderCharts.js';
export { parseTarget } from './parseTarget.js';
export { discoverRuns, type DiscoveredRuns } from './read/discoverRuns.js';
export { readRun } from './read/readRun.js';
export type { ReadRunResult, ResolvedExperiment, RunRecord, SkippedRun } from './read/types.js';
export { summaryCsv } from './render/summaryCsv.js';
export { summaryMarkdown } from './render/summaryMarkdown.js';
export { summaryTable, type SummaryTable } from './render/summaryTable.js';
export { writeChartSvgs } from './writeChartSvgs.js';
