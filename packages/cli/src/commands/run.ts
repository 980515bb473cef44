import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  assertExperimentComponentsRegistered,
  createFedtuneContainer,
  expandRuns,
  experimentFields,
  listNamed,
  loadPlugins,
  readExperimentFile,
  runExperiment,
  type Experiment,
  type RunSummary,
} from '@fedtune/core';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';
import { assertOutDirUsable, defaultOutDir } from '../outputFolder.js';
import { createRunProgress } from '../runProgress.js';
import { renderSummaryTable } from '../summaryTable.js';

/** Options of `fedtune run`, as commander parses them. */
export interface RunCommandOptions {
  out?: string;
  backend?: string;
  seed?: number;
  overwrite?: boolean;
}

/** Adds `fedtune run <experiment.json>`. */
export function addRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run an experiment file (and each of its "compare" runs), then print a summary table')
    .argument('<experiment>', 'the experiment file (.json)')
    .option('-o, --out <dir>', 'results folder (default: results/<name>-<YYYYMMDD-HHMMSS>)')
    .option('--backend <name>', 'numeric backend, replacing the file\'s "backend" (core has: reference)')
    .option('--seed <n>', 'seed, replacing the file\'s "seed"', integerIn(0, 0xffffffff))
    .option('--overwrite', 'write into a --out folder that already holds files')
    .addHelpText('after', () => `\n${experimentFileHelp()}`)
    .action((file: string, options: RunCommandOptions) => runCommand(file, options, io));
}

/** Loads the file, applies the overrides, loads plugins, runs, and prints the summary. */
export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<void> {
  const { experiment: fromFile, dir } = await readExperimentFile(file);
  let experiment = withOverrides(fromFile, options);
  const outDir = resolve(options.out ?? defaultOutDir(experiment.name, new Date()));
  const overwrite = options.overwrite === true;
  assertOutDirUsable(outDir, overwrite);

  const container = createFedtuneContainer();
  const plugins = await loadPlugins(container, experiment.plugins, { resolveFrom: dir });
  // `--backend NAME` that no listed plugin provides loads fedtune's package for it, so
  // `--backend gpujs` works with any experiment file.
  const backendPackage = `@fedtune/backend-${experiment.backend.name}`;
  if (!listNamed(container, 'backend').some((factory) => factory.name === experiment.backend.name)) {
    plugins.push(...(await loadPlugins(container, [backendPackage], { resolveFrom: dir })));
    experiment = { ...experiment, plugins: [...experiment.plugins, backendPackage] };
  }
  assertExperimentComponentsRegistered(container, experiment);
  if (plugins.length > 0) {
    io.stdout.write(`plugins: ${plugins.map((plugin) => `${plugin.name}@${plugin.version}`).join(', ')}\n`);
  }

  const progress = createRunProgress(
    io,
    expandRuns(experiment).map((run) => run.label),
  );
  let summaries: RunSummary[];
  try {
    summaries = await runExperiment(experiment, {
      outDir,
      experimentDir: dir,
      container,
      overwrite,
      onRunStart: (label, rounds) => progress.start(label, rounds),
      onRound: (event) => progress.round(event),
      log: (line) => progress.log(line),
    });
  } finally {
    progress.stop();
  }
  io.stdout.write(`${renderSummaryTable(summaries)}\nresults: ${displayPath(outDir)}\n`);
}

function withOverrides(experiment: Experiment, options: RunCommandOptions): Experiment {
  const backend =
    options.backend === undefined || options.backend === experiment.backend.name
      ? experiment.backend
      : { name: options.backend, options: {} };
  return { ...experiment, seed: options.seed ?? experiment.seed, backend };
}

/** Relative to the working directory when inside it: shorter, and what the user would type. */
function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === '' ? '.' : fromHere.startsWith('..') ? path : fromHere;
}

/** The experiment file's fields for `fedtune run --help`, from the same schema that validates it. */
function experimentFileHelp(): string {
  const fields = experimentFields();
  const width = Math.max(...fields.map((field) => field.path.length)) + 2;
  const lines = fields.map((field) => {
    const marker = field.required ? '*' : ' ';
    const fallback = field.defaultValue === undefined ? '' : ` (default ${field.defaultValue})`;
    return `  ${marker} ${field.path.padEnd(width)}${field.allowed}${fallback}`;
  });
  return [
    'Experiment file (JSON; * = required, the rest have defaults):',
    ...lines,
    '',
    'Components (backend, compressor, selector, aggregator, channel) are a name or',
    '{ "name": ..., "options": { ... } }; plugins listed under "plugins" add more names.',
    'Editors validate files whose "$schema" points at docs/experiment.schema.json.',
  ].join('\n');
}
