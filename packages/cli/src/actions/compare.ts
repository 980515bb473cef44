import Table from 'cli-table3';
import { ConfigError } from '@fedtune/core';
import {
  pickColumns,
  pickSections,
  summariseRuns,
  summaryCsv,
  summaryMarkdown,
  summarySections,
  type RunGroupSummary,
  type SummarySection,
  type SummaryTable,
} from '@fedtune/report';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';
import { asBadInput, readResults, summaryOptionsOf, type SummaryCommandOptions } from './report.js';

/** Options of `fedtune compare`, as commander parses them. */
export interface CompareCommandOptions extends SummaryCommandOptions {
  format: 'table' | 'csv' | 'markdown' | 'json';
  /** Only these tables, by id (`summary`, `tasks`, `uploads`, …). */
  tables?: string[];
  /** One table of these columns, by title, from whichever table has each. */
  columns?: string[];
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
  const picked = options.tables ?? options.columns;
  if (picked !== undefined && (options.format === 'csv' || options.format === 'json')) {
    const option = options.tables === undefined ? '--columns' : '--tables';
    throw new ConfigError(
      `${option} picks from the printed tables; use it with --format table or markdown (csv and json hold every figure).`,
    );
  }
  const { runs, skipped } = readResults(dirs, io);
  const summaries = await asBadInput(() => summariseRuns(runs, summary));
  const text = await asBadInput(() =>
    formatSummaries(
      summaries,
      options,
      skipped.map((s) => s.dir),
    ),
  );
  io.stdout.write(terminalText(text, { keepLineFeeds: true }));
}

function formatSummaries(summaries: RunGroupSummary[], options: CompareCommandOptions, skipped: string[]): string {
  switch (options.format) {
    case 'csv':
      return summaryCsv(summaries);
    case 'markdown':
      return sections(printedSections(summaries, options), summaryMarkdown, (title) => `**${title}**\n\n`);
    case 'json':
      return `${JSON.stringify({ runs: summaries, skipped }, null, 2)}\n`;
    case 'table':
      return sections(printedSections(summaries, options), terminalTable, (title) => `${title}\n`);
  }
}

/** Every summary table, or those `--tables` names, or the one table of the `--columns` named. */
function printedSections(summaries: RunGroupSummary[], options: CompareCommandOptions): SummarySection[] {
  const every = summarySections(summaries);
  if (options.columns !== undefined) {
    // Titled as the main table is (not at all): it stands for the summary the command prints.
    return [{ id: 'summary', title: 'Summary', table: pickColumns(every, options.columns) }];
  }
  return options.tables === undefined ? every : pickSections(every, options.tables);
}

/** Each table in turn, each but the main one under its title, a blank line between them. */
function sections(
  printed: SummarySection[],
  render: (table: SummaryTable) => string,
  heading: (title: string) => string,
): string {
  return printed
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
