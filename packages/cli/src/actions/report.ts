import { dirname } from 'node:path';
import { checkOutputPath, ConfigError, createFolder, writeFileAtomic } from '@fedtune/core';
import {
  buildReport,
  discoverRuns,
  parseTarget,
  renderCharts,
  ReportOptionError,
  roundsCsv,
  writeChartSvgs,
  type GroupLabels,
  type RunRecord,
  type SkippedRun,
  type SummaryOptions,
} from '@fedtune/report';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';

/** The options `report` and `compare` share: how runs are measured and named. */
export interface SummaryCommandOptions {
  /** As typed: a fraction (0.8) or a percentage (80%). */
  target?: string;
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
  csv?: string;
  logY?: boolean;
}

/** Reads the runs, writes the report (and the SVG charts), and says where. */
export async function reportCommand(dirs: readonly string[], options: ReportCommandOptions, io: CliIo): Promise<void> {
  // Checked before the runs are read, and both before either is written.
  const out = checkOutputPath(options.out, 'file', '--out');
  if (options.svg !== undefined) checkOutputPath(options.svg, 'folder', '--svg');
  const csv = options.csv === undefined ? undefined : checkOutputPath(options.csv, 'file', '--csv');
  const summary = summaryOptionsOf(options);
  const charts = { ...summary, ...(options.logY === true ? { logY: true } : {}) };
  const { runs, skipped } = readResults(dirs, io);
  const html = await asBadInput(() =>
    buildReport(runs, { ...charts, skipped, ...(options.title === undefined ? {} : { title: options.title }) }),
  );
  createFolder(dirname(out));
  // Atomic: a full disk leaves the earlier report, not half a page.
  await writeFileAtomic(out, html);
  io.stdout.write(`report: ${options.out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`);
  if (options.svg !== undefined) {
    const files = writeChartSvgs(options.svg, await renderCharts(runs, charts));
    io.stdout.write(`charts: ${files.length} SVG files in ${options.svg}\n`);
  }
  if (csv !== undefined) {
    createFolder(dirname(csv));
    await writeFileAtomic(csv, roundsCsv(runs, summary.labels));
    io.stdout.write(`rounds: ${options.csv} (${runs.reduce((rows, run) => rows + run.ledger.length, 0)} rows)\n`);
  }
}

/**
 * The report library's options from the command's.
 * @throws ConfigError for a `--target` that is no accuracy.
 */
export function summaryOptionsOf(options: SummaryCommandOptions): SummaryOptions {
  return {
    labels: options.labels,
    ...(options.target === undefined ? {} : { target: targetOf(options.target) }),
    ...(options.last === undefined ? {} : { lateEvaluations: options.last }),
    ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
    ...(options.metrics === undefined ? {} : { adapterMetrics: options.metrics }),
  };
}

function targetOf(text: string): number {
  try {
    return parseTarget(text);
  } catch (error) {
    throw new ConfigError(`--target ${text}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
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
