import { dirname, resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError } from '@fedtune/core';
import {
  buildReport,
  discoverRuns,
  parseTarget,
  renderCharts,
  writeChartSvgs,
  type RunRecord,
  type SkippedRun,
} from '@fedtune/report';
import type { CliIo } from '../io.js';

/** Options of `fedtune report`, as commander parses them. */
export interface ReportCommandOptions {
  out: string;
  svg?: string;
  target?: number;
  title?: string;
}

/** Adds `fedtune report <results-dir...>`. */
export function addReportCommand(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('write one self-contained HTML page comparing results folders: summary table and charts')
    .argument('<results-dir...>', resultsDirHelp)
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--svg <dir>', 'also write each chart as an SVG file into this folder, for papers')
    .addOption(targetOption())
    .option('--title <text>', "page title (default: the experiments' names)")
    .action((dirs: string[], options: ReportCommandOptions) => reportCommand(dirs, options, io));
}

/** Reads the runs, writes the report (and the SVG charts), and says where. */
export async function reportCommand(dirs: readonly string[], options: ReportCommandOptions, io: CliIo): Promise<void> {
  const { runs, skipped } = readResults(dirs, io);
  const target = options.target === undefined ? {} : { target: options.target };
  const html = await buildReport(runs, {
    ...target,
    skipped,
    ...(options.title === undefined ? {} : { title: options.title }),
  });
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  io.stdout.write(`report: ${options.out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`);
  if (options.svg !== undefined) {
    const files = writeChartSvgs(options.svg, await renderCharts(runs, target));
    io.stdout.write(`charts: ${files.length} SVG files in ${options.svg}\n`);
  }
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
  for (const { dir, reason } of skipped) io.stderr.write(`skipped ${dir}: ${reason}\n`);
  for (const run of runs) for (const warning of run.warnings) io.stderr.write(`warning: ${run.dir}: ${warning}\n`);
  if (runs.length === 0) {
    throw new ConfigError(
      `no readable results in ${dirs.join(', ')}; give the folders \`fedtune run\` wrote (see --out)`,
    );
  }
  return { runs, skipped };
}
