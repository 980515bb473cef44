import type { Command } from 'commander';
import type { ReportCommandOptions } from '../actions/report.js';
import type { CliIo } from '../io.js';
import { resultsDirHelp, summaryOptions } from './summaryOptions.js';

/** Adds `fedtune report <results-dir...>`. */
export function addReportCommand(program: Command, io: CliIo): void {
  const command = program
    .command('report')
    .description('write one self-contained HTML page comparing results folders: summary table and charts')
    .argument('<results-dir...>', resultsDirHelp)
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--svg <dir>', 'also write each chart as an SVG file into this folder, for papers')
    .option('--title <text>', "page title (default: the experiments' names)")
    .option('--csv <file>', 'also write every ledger field of every run and round as CSV, a row per run and round')
    .option('--log-y', 'draw the uplink and adapter-metric charts by round on a log y axis (accuracy stays linear)');
  for (const option of summaryOptions('also chart the named metrics by round')) command.addOption(option);
  command.action(async (dirs: string[], options: ReportCommandOptions) =>
    (await import('../actions/report.js')).reportCommand(dirs, options, io),
  );
}
