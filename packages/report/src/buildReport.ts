import { groupRuns } from './analysis/groupRuns.js';
import { sharedSettings } from './analysis/sharedSettings.js';
import { summariseGroup } from './analysis/summariseRuns.js';
import { seriesColour } from './charts/chartTheme.js';
import { renderCharts } from './charts/renderCharts.js';
import type { RunRecord, SkippedRun } from './read/types.js';
import { reportPageHtml } from './render/reportPage.js';
import { summaryTable } from './render/summaryTable.js';

/** How {@link buildReport} builds the page. */
export interface ReportOptions {
  /** Test accuracy (a fraction in (0, 1]) for the "bits to target" column and the charts' target line. */
  target?: number;
  /** Page title; defaults to the experiments' names. */
  title?: string;
  /** Folders that could not be read, listed at the end so a reader knows what is missing. */
  skipped?: readonly SkippedRun[];
  /** When the report was made; defaults to now. */
  generatedAt?: Date;
}

/**
 * Builds the report comparing `runs`: one self-contained HTML page (style and SVG charts inline,
 * no scripts, nothing fetched) with the summary table, the charts, the runs and their warnings,
 * the settings every run shares, and the folders left out.
 */
export async function buildReport(runs: readonly RunRecord[], options: ReportOptions = {}): Promise<string> {
  if (runs.length === 0) throw new RangeError('a report needs at least one run');
  const groups = groupRuns(runs);
  const target = options.target === undefined ? {} : { target: options.target };
  const summaries = groups.map((group) => summariseGroup(group, target));
  return reportPageHtml({
    title: options.title ?? defaultTitle(runs),
    generatedAt: options.generatedAt ?? new Date(),
    ...target,
    groups: groups.length,
    table: summaryTable(summaries),
    rowColours: groups.map((_, index) => seriesColour(index)),
    charts: await renderCharts(runs, target),
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
    skipped: options.skipped ?? [],
  });
}

function defaultTitle(runs: readonly RunRecord[]): string {
  const names = [...new Set(runs.map((run) => run.experiment.name))];
  return `fedtune report: ${names.join(', ')}`;
}
