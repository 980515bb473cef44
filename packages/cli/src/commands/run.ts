import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  assertExperimentComponentsRegistered,
  ConfigError,
  createFedtuneContainer,
  defaultWorkerCount,
  expandRuns,
  experimentFields,
  listNamed,
  loadPlugins,
  readExperimentFile,
  readResumeRecord,
  runExperiment,
  type Experiment,
  type RunOptions,
  type ResultsFolderClaim,
  type RunSummary,
} from '@fedtune/core';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';
import { claimOutDir, defaultOutDir } from '../outputFolder.js';
import { createRunProgress } from '../runProgress.js';
import { renderSummaryTable } from '../summaryTable.js';
import { runWorkerCount } from '../workerCount.js';

/** Options of `fedtune run`, as commander parses them. */
export interface RunCommandOptions {
  out?: string;
  backend?: string;
  seed?: number;
  overwrite?: boolean;
  checkpointEvery?: number;
  resume?: string;
  workers?: number;
}

/** Adds `fedtune run <experiment.json>`. */
export function addRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run an experiment file (and each of its "compare" runs), then print a summary table')
    .argument('[experiment]', 'the experiment file (.json); omit it with --resume')
    .option('-o, --out <dir>', 'results folder (default: results/<name>-<YYYYMMDD-HHMMSS>)')
    .option('--backend <name>', 'numeric backend, replacing the file\'s "backend" (core has: reference)')
    .option('--seed <n>', 'seed, replacing the file\'s "seed"', integerIn(0, 0xffffffff))
    .option('--overwrite', 'replace everything a --out folder holds, once the new run has loaded its inputs')
    .option('--checkpoint-every <k>', 'save the server state every k rounds, so the run can be resumed', integerIn(1, 1_000_000))
    .option('--resume <dir>', 'go on with a stopped run started with --checkpoint-every, from its results folder')
    .option(
      '--workers <n>',
      `worker threads that train clients (default: one per core, ${defaultWorkerCount()} here; never more than the cores ` +
        'or the client slots a round trains; results do not depend on it)',
      integerIn(1, 1024),
    )
    .addHelpText('after', () => `\n${experimentFileHelp()}`)
    .action((file: string | undefined, options: RunCommandOptions) =>
      options.resume === undefined ? runCommand(file, options, io) : resumeCommand(file, options, io),
    );
}

/** Goes on with the stopped run in `--resume DIR`, with the settings it was started with. */
export async function resumeCommand(file: string | undefined, options: RunCommandOptions, io: CliIo): Promise<void> {
  const clashing = [
    file === undefined ? undefined : `the experiment file ${file}`,
    ...(['out', 'backend', 'seed', 'overwrite', 'checkpointEvery'] as const)
      .filter((name) => options[name] !== undefined)
      .map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
  ].filter((item) => item !== undefined);
  if (clashing.length > 0) {
    throw new ConfigError(
      `--resume goes on with the settings the run was started with; drop ${clashing.join(', ')}, or start a new run without --resume.`,
    );
  }
  const outDir = resolve(options.resume as string);
  const record = readResumeRecord(outDir);
  const claim = claimOutDir(outDir, { resume: true }, io);
  try {
    await runLoaded(record.experiment, record.experimentDir, outDir, io, {
      resume: true,
      claim,
      checkpointEvery: record.checkpointEvery,
      workers: options.workers,
    });
  } finally {
    claim.release();
  }
}

/** Loads the file, applies the overrides, loads plugins, runs, and prints the summary. */
export async function runCommand(file: string | undefined, options: RunCommandOptions, io: CliIo): Promise<void> {
  if (file === undefined) {
    throw new ConfigError('fedtune run needs an experiment file (fedtune run experiment.json), or --resume DIR to go on with a stopped run.');
  }
  const { experiment: fromFile, dir } = await readExperimentFile(file);
  const experiment = withOverrides(fromFile, options);
  const outDir = resolve(options.out ?? defaultOutDir(experiment.name, new Date()));
  const overwrite = options.overwrite === true;
  const claim = claimOutDir(outDir, { overwrite }, io);
  try {
    await runLoaded(experiment, dir, outDir, io, {
      overwrite,
      claim,
      workers: options.workers,
      ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
    });
  } finally {
    claim.release();
  }
}

/** Loads the experiment's plugins, runs it, and prints the summary. */
async function runLoaded(
  loaded: Experiment,
  dir: string,
  outDir: string,
  io: CliIo,
  mode: { overwrite?: boolean; checkpointEvery?: number; resume?: boolean; workers: number | undefined; claim: ResultsFolderClaim },
): Promise<void> {
  // A resumed folder may have come from someone else: none of its files is imported as a plugin.
  const { experiment, container } = await loadExperimentPlugins(loaded, dir, io, mode.resume === true ? outDir : undefined);
  const { workers, note } = runWorkerCount(mode.workers, experiment, container);
  if (note !== undefined) io.stdout.write(`${note}\n`);
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
      ...mode,
      workers,
      onRunStart: (label, rounds) => progress.start(label, rounds),
      onRound: (event) => progress.round(event),
      log: (line) => progress.log(line),
    });
  } finally {
    progress.stop();
  }
  io.stdout.write(`${renderSummaryTable(summaries)}\nresults: ${displayPath(outDir)}\n`);
}

/**
 * A container with core's components and the experiment's plugins, and the experiment with the
 * backend's package among its plugins when `backend` names one no listed plugin provides. Prints
 * the plugins loaded.
 * @throws PluginError when a plugin is missing; ConfigError when a component name is unknown.
 */
export async function loadExperimentPlugins(
  loaded: Experiment,
  dir: string,
  io: CliIo,
  refuseFrom?: string,
): Promise<{ experiment: Experiment; container: RunOptions['container'] }> {
  let experiment = loaded;
  const container = createFedtuneContainer();
  const where = { resolveFrom: dir, ...(refuseFrom === undefined ? {} : { refuseFrom }) };
  const plugins = await loadPlugins(container, experiment.plugins, where);
  // `--backend NAME` that no listed plugin provides loads fedtune's package for it, so
  // `--backend gpujs` works with any experiment file.
  const backendPackage = `@fedtune/backend-${experiment.backend.name}`;
  if (!listNamed(container, 'backend').some((factory) => factory.name === experiment.backend.name)) {
    plugins.push(...(await loadPlugins(container, [backendPackage], where)));
    experiment = { ...experiment, plugins: [...experiment.plugins, backendPackage] };
  }
  assertExperimentComponentsRegistered(container, experiment);
  if (plugins.length > 0) {
    io.stdout.write(`plugins: ${plugins.map((plugin) => `${plugin.name}@${plugin.version}`).join(', ')}\n`);
  }
  return { experiment, container };
}

function withOverrides(experiment: Experiment, options: RunCommandOptions): Experiment {
  const backend =
    options.backend === undefined || options.backend === experiment.backend.name
      ? experiment.backend
      : { name: options.backend, options: {} };
  return { ...experiment, seed: options.seed ?? experiment.seed, backend };
}

/** Relative to the working directory when inside it: shorter, and what the user would type. */
export function displayPath(path: string): string {
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
