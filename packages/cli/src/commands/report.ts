import { dirname } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkOutputPath, ConfigError, createFolder, writeFileAtomic } from '@fedtune/core';
import {
  buildReport,
  discoverRuns,
  parseTarget,
  renderCharts,
  ReportOptionError,
  writeChartSvgs,
  type GroupLabels,
  type RunRecord,
  type SkippedRun,
  type SummaryOptions,
} from '@fedtune/report';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';
import { integerIn } from '../optionParsers.js';

/** The options `report` and `compare` share: how runs are measured and named. */
export interface SummaryCommandOptions {
  target?: number;
  last?: number;
  baseline?: string;
  metrics?: string[];
  labels: GroupLabels;
}

/** Options of `fedtune report`, as commander parses them. */
export interface ReportCommandOptions extends SummaryCommandOptions {
  out: string;
  svg?: string;
  title?: string;
}

/** Adds `fedtune report <results-dir...>`. */
export function addReportCommand(program: Command, io: CliIo): void {
  const command = program
    .command('report')
    .description('write one self-contained HTML page comparing results folders: summary table and charts')
    .argument('<results-dir...>', resultsDirHelp)
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--svg <dir>', 'also write each chart as an SVG file into this folder, for papers')
    .option('--title <text>', "page title (default: the experiments' names)");
  for (const option of summaryOptions('also chart the named metrics by round')) command.addOption(option);
  command.action((dirs: string[], options: ReportCommandOptions) => reportCommand(dirs, options, io));
}

/** Reads the runs, writes the report (and the SVG charts), and says where. */
export async function reportCommand(dirs: readonly string[], options: ReportCommandOptions, io: CliIo): Promise<void> {
  // Checked before the runs are read, and both before either is written.
  const out = checkOutputPath(options.out, 'file', '--out');
  if (options.svg !== undefined) checkOutputPath(options.svg, 'folder', '--svg');
  const { runs, skipped } = readResults(dirs, io);
  const summary = summaryOptionsOf(options);
  const html = await asBadInput(() =>
    buildReport(runs, { ...summary, skipped, ...(options.title === undefined ? {} : { title: options.title }) }),
  );
  createFolder(dirname(out));
  // Atomic: a full disk leaves the earlier report, not half a page.
  await writeFileAtomic(out, html);
  io.stdout.write(`report: ${options.out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`);
  if (options.svg !== undefined) {
    const files = writeChartSvgs(options.svg, await renderCharts(runs, summary));
    io.stdout.write(`charts: ${files.length} SVG files in ${options.svg}\n`);
  }
}

/**
 * `--target`, `--last`, `--baseline`, `--metrics` and `--labels`, shared by `report` and
 * `compare`; `metricsNote` says what else `--metrics` does for the command.
 */
export function summaryOptions(metricsNote?: string): Option[] {
  return [
    targetOption(),
    new Option('--last <n>', "also show each run's mean test accuracy over its last n evaluations").argParser(
      integerIn(1, 1_000_000),
    ),
    new Option(
      '--baseline <run>',
      "also show each run's accuracy minus this run's (as the table labels it), paired seed by seed",
    ),
    new Option(
      '--metrics <names>',
      `adapter metrics to show, comma-separated (default: every one the runs report)${
        metricsNote === undefined ? '' : `; ${metricsNote}`
      }`,
    ).argParser(metricNames),
    new Option('--labels <how>', "name runs by what differs between them, or by the experiments' own labels")
      .choices(['differences', 'experiment'])
      .default('differences'),
  ];
}

/** The report library's options from the command's. */
export function summaryOptionsOf(options: SummaryCommandOptions): SummaryOptions {
  return {
    labels: options.labels,
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.last === undefined ? {} : { lateEvaluations: options.last }),
    ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
    ...(options.metrics === undefined ? {} : { adapterMetrics: options.metrics }),
  };
}

/** Runs `summarise`; a baseline or metric the runs do not have is the user's input at fault (exit 2). */
export async function asBadInput<T>(summarise: () => T | Promise<T>): Promise<T> {
  try {
    return await summarise();
  } catch (error) {
    if (error instanceof ReportOptionError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}

function metricNames(value: string): string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new InvalidArgumentError(`expected metric names such as "effectiveRank,stableRank", got "${value}".`);
  return names;
}

/** What the results-folder argument accepts, shared by `report` and `compare`. */
export const resultsDirHelp =
  'folders `fedtune run` wrote (each with its compare/ runs), or folders holding such folders';

/** `--target ACC`: a fraction (0.8) or a percentage (80%). */
export function targetOption(): Option {
  return new Option('--target <acc>', 'test accuracy for the "bits to target" column, as 0.8 or 80%').argParser(
    (value: string) => {
      try {
        return parseTarget(value);
      } catch (error) {
        throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
      }
    },
  );
}

/**
 * Reads every run under `dirs`, telling stderr which folders were skipped and why and what was
 * odd about the others. Fails when nothing could be read.
 */
export function readResults(dirs: readonly string[], io: CliIo): { runs: RunRecord[]; skipped: SkippedRun[] } {
  const { runs, skipped } = discoverRuns(dirs);
  // Folder names and reasons come from the results folders: their control characters are shown, not obeyed.
  const say = (line: string) => io.stderr.write(`${terminalText(line)}\n`);
  for (const { dir, reason } of skipped) say(`skipped ${dir}: ${reason}`);
  for (const run of runs) for (const warning of run.warnings) say(`warning: ${run.dir}: ${warning}`);
  if (runs.length === 0) {
    throw new ConfigError(
      `no readable results in ${dirs.join(', ')}; give the folders \`fedtune run\` wrote (see --out)`,
    );
  }
  return { runs, skipped };
}
