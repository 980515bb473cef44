import { Option, type Command } from 'commander';
import type { CompareCommandOptions } from '../actions/compare.js';
import type { CliIo } from '../io.js';
import { commaList, resultsDirHelp, summaryOptions } from './summaryOptions.js';

const FORMATS: readonly CompareCommandOptions['format'][] = ['table', 'csv', 'markdown', 'json'];

/** Adds `fedtune compare <results-dir...>`. */
export function addCompareCommand(program: Command, io: CliIo): void {
  const command = program
    .command('compare')
    .description(
      "print the report's summary tables: accuracy, loss, traffic, bits to a target and wall time, per-task accuracy, " +
        'clustering, adapter metrics and uploads, seeds as mean ± std',
    )
    .argument('<results-dir...>', resultsDirHelp)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .addOption(
      new Option(
        '--tables <ids>',
        'print only these tables, comma-separated, in this order: summary, tasks, majority-adapter, clustering, adapter-metrics, uploads',
      )
        .argParser(commaList('tables', 'summary,uploads'))
        .conflicts('columns'),
    )
    .addOption(
      new Option(
        '--columns <titles>',
        'print one table of these columns, comma-separated, by their titles in the tables (e.g. "final acc,uplink MB")',
      ).argParser(commaList('column titles', 'final acc,uplink MB')),
    );
  for (const option of summaryOptions()) command.addOption(option);
  command.action(async (dirs: string[], options: CompareCommandOptions) =>
    (await import('../actions/compare.js')).compareCommand(dirs, options, io),
  );
}
