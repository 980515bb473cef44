import Table from 'cli-table3';
import { Option, type Command } from 'commander';
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
import {
  asBadInput,
  readResults,
  resultsDirHelp,
  summaryOptions,
  summaryOptionsOf,
  type SummaryCommandOptions,
} from './report.js';

const FORMATS = ['table', 'csv', 'markdown', 'json'] as const;

/** Options of `fedtune compare`, as commander parses them. */
export interface CompareCommandOptions extends SummaryCommandOptions {
  format: (typeof FORMATS)[number];
}

/** Adds `fedtune compare <results-dir...>`. */
export function addCompareCommand(program: Command, io: CliIo): void {
  const command = program
    .command('compare')
    .description(
      "print the report's summary tables: accuracy, loss, traffic, bits to a target and wall time, per-task accuracy, " +
        'clustering, adapter metrics and uploads, seeds as mean ± std',
    )
    .argument('<results-dir...>', resultsDirHelp)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'));
  for (const option of summaryOptions()) command.addOption(option);
  command.action((dirs: string[], options: CompareCommandOptions) => compareCommand(dirs, options, io));
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
  const { runs, skipped } = readResults(dirs, io);
  const summaries = await asBadInput(() => summariseRuns(runs, summaryOptionsOf(options)));
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
