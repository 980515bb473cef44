import { groupRuns } from './analysis/groupRuns.js';
import { sharedSettings } from './analysis/sharedSettings.js';
import { summariseGroups, type SummaryOptions } from './analysis/summariseRuns.js';
import { seriesColour } from './charts/chartTheme.js';
import { renderCharts, type ChartOptions } from './charts/renderCharts.js';
import type { RunRecord, SkippedRun } from './read/types.js';
import { reportPageHtml } from './render/reportPage.js';
import { summarySections } from './render/summarySections.js';

/**
 * How {@link buildReport} builds the page: the summary's options (target, late accuracy,
 * baseline, labels), and the adapter metrics, which the tables show (all when absent) and which
 * are also charted by round when named.
 */
export interface ReportOptions extends SummaryOptions, Pick<ChartOptions, 'logY'> {
  /** Page title; defaults to the experiments' names. */
  title?: string;
  /** Folders that could not be read, listed at the end so a reader knows what is missing. */
  skipped?: readonly SkippedRun[];
  /** When the report was made; defaults to now. */
  generatedAt?: Date;
}

/**
 * Builds the report comparing `runs`: one self-contained HTML page (style and SVG charts inline,
 * no scripts, nothing fetched) with the summary tables, the charts, the runs and their warnings,
 * the settings every run shares, and the folders left out. Throws a `ReportOptionError` for a
 * baseline or adapter metric the runs do not have.
 */
export async function buildReport(runs: readonly RunRecord[], options: ReportOptions = {}): Promise<string> {
  if (runs.length === 0) throw new RangeError('a report needs at least one run');
  const { title, skipped, generatedAt, logY, ...summaryOptions } = options;
  const groups = groupRuns(runs, options.labels);
  const summaries = summariseGroups(groups, summaryOptions);
  return reportPageHtml({
    title: title ?? defaultTitle(runs),
    generatedAt: generatedAt ?? new Date(),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
    ...(options.lateEvaluations === undefined ? {} : { lateEvaluations: options.lateEvaluations }),
    groups: groups.length,
    sections: summarySections(summaries),
    rowColours: groups.map((_, index) => seriesColour(index)),
    charts: await renderCharts(runs, { ...summaryOptions, ...(logY === undefined ? {} : { logY }) }),
    runs: groups.flatMap((group, index) =>
      group.runs.map((run) => ({
        label: group.label,
        colour: seriesColour(index),
        dir: run.dir,
        seed: run.experiment.seed,
        roundsFinished: run.ledger.length,
        roundsPlanned: run.plannedRounds,
        warnings: run.warnings,
      })),
    ),
    sharedSettings: sharedSettings(runs),
    skipped: skipped ?? [],
  });
}

function defaultTitle(runs: readonly RunRecord[]): string {
  const names = [...new Set(runs.map((run) => run.experiment.name))];
  return `fedtune report: ${names.join(', ')}`;
}
