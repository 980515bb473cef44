import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import { summariseRuns, summaryCsv, summaryMarkdown, summaryTable, type RunGroupSummary } from '@fedtune/report';
import type { CliIo } from '../io.js';
import { readResults, resultsDirHelp, targetOption } from './report.js';

const FORMATS = ['table', 'csv', 'markdown', 'json'] as const;

/** Options of `fedtune compare`, as commander parses them. */
export interface CompareCommandOptions {
  format: (typeof FORMATS)[number];
  target?: number;
}

/** Adds `fedtune compare <results-dir...>`. */
export function addCompareCommand(program: Command, io: CliIo): void {
  program
    .command('compare')
    .description(
      "print the report's summary table: accuracy, traffic, bits to a target and wall time, seeds as mean ± std",
    )
    .argument('<results-dir...>', resultsDirHelp)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .addOption(targetOption())
    .action((dirs: string[], options: CompareCommandOptions) => compareCommand(dirs, options, io));
}

/** Reads the runs and prints their summary in the chosen format. */
export function compareCommand(dirs: readonly string[], options: CompareCommandOptions, io: CliIo): void {
  const { runs, skipped } = readResults(dirs, io);
  const summaries = summariseRuns(runs, options.target === undefined ? {} : { target: options.target });
  io.stdout.write(
    formatSummaries(
      summaries,
      options.format,
      skipped.map((s) => s.dir),
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
      return summaryMarkdown(summaryTable(summaries));
    case 'json':
      return `${JSON.stringify({ runs: summaries, skipped }, null, 2)}\n`;
    case 'table':
      return `${terminalTable(summaries)}\n`;
  }
}

function terminalTable(summaries: RunGroupSummary[]): string {
  const { header, align, rows } = summaryTable(summaries);
  // No colours: the table is also read from logs and files.
  const table = new Table({ head: header, colAligns: align, style: { head: [], border: [] } });
  table.push(...rows);
  return table.toString();
}
