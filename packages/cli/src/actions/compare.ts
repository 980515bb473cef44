import Table from 'cli-table3';
import {
  summariseRuns,
  summaryCsv,
  summaryMarkdown,
  summarySections,
  type RunGroupSummary,
  type SummaryTable,
} from '@fedtune/report';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';
import { asBadInput, readResults, summaryOptionsOf, type SummaryCommandOptions } from './report.js';

/** Options of `fedtune compare`, as commander parses them. */
export interface CompareCommandOptions extends SummaryCommandOptions {
  format: 'table' | 'csv' | 'markdown' | 'json';
}

/**
 * Reads the runs and prints their summary in the chosen format. Labels, metric names and folder
 * names come from the results folders, so their control characters are printed escaped.
 */
export async function compareCommand(
  dirs: readonly string[],
  options: CompareCommandOptions,
  io: CliIo,
): Promise<void> {
  const summary = summaryOptionsOf(options);
  const { runs, skipped } = readResults(dirs, io);
  const summaries = await asBadInput(() => summariseRuns(runs, summary));
  io.stdout.write(
    terminalText(
      formatSummaries(
        summaries,
        options.format,
        skipped.map((s) => s.dir),
      ),
      { keepLineFeeds: true },
    ),
  );
}

function formatSummaries(
  summaries: RunGroupSummary[],
  format: CompareCommandOptions['format'],
  skipped: string[],
): string {
  switch (format) {
    case 'csv':
      return summaryCsv(summaries);
    case 'markdown':
      return sections(summaries, summaryMarkdown, (title) => `**${title}**\n\n`);
    case 'json':
      return `${JSON.stringify({ runs: summaries, skipped }, null, 2)}\n`;
    case 'table':
      return sections(summaries, terminalTable, (title) => `${title}\n`);
  }
}

/** Every summary table in turn, each but the first under its title, a blank line between them. */
function sections(
  summaries: RunGroupSummary[],
  render: (table: SummaryTable) => string,
  heading: (title: string) => string,
): string {
  return summarySections(summaries)
    .map(({ id, title, table }) => `${id === 'summary' ? '' : heading(title)}${render(table).trimEnd()}\n`)
    .join('\n');
}

function terminalTable({ header, align, rows }: SummaryTable): string {
  // Escaped cell by cell, so the columns are as wide as what is printed. No colours: the table is
  // also read from logs and files.
  const cells = (row: readonly string[]) => row.map((cell) => terminalText(cell));
  const table = new Table({ head: cells(header), colAligns: align, style: { head: [], border: [] } });
  table.push(...rows.map(cells));
  return table.toString();
}
