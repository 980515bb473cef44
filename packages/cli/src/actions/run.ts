import { resolve } from 'node:path';
import {
  assertExperimentComponentsRegistered,
  ConfigError,
  createFedtuneContainer,
  expandRuns,
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
import { displayPath } from '../displayPath.js';
import type { CliIo } from '../io.js';
import { claimOutDir, defaultOutDir } from '../outputFolder.js';
import { createRunProgress } from '../runProgress.js';
import { renderSummaryTable } from '../summaryTable.js';
import { settingsEdit, type Setting } from '../settings.js';
import { runWorkerCount } from '../workerCount.js';
import { dryRun } from './dryRun.js';

/** Options of `fedtune run`, as commander parses them. */
export interface RunCommandOptions {
  out?: string;
  backend?: string;
  seed?: number;
  /** `--seeds LIST`: one run per seed, each into its own folder (see `runSeedsCommand`). */
  seeds?: number[];
  /** `--parallel N`: seeds of `--seeds` run at once. */
  parallel?: number;
  /** `--set path=value`, in the order given. */
  set?: Setting[];
  dryRun?: boolean;
  overwrite?: boolean;
  checkpointEvery?: number;
  resume?: string;
  workers?: number;
  /** `--queue URL`: clients train on `fedtune worker` processes through this Redis server. */
  queue?: string;
}

/** Goes on with the stopped run in `--resume DIR`, with the settings it was started with. */
export async function resumeCommand(file: string | undefined, options: RunCommandOptions, io: CliIo): Promise<void> {
  const clashing = [
    file === undefined ? undefined : `the experiment file ${file}`,
    ...(['out', 'backend', 'seed', 'set', 'dryRun', 'overwrite', 'checkpointEvery'] as const)
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
      queue: options.queue,
    });
  } finally {
    claim.release();
  }
}

/**
 * Loads the file, applies the overrides, loads plugins, runs, and prints the summary; with
 * `--dry-run`, prepares everything a run needs and prints what it would do instead.
 */
export async function runCommand(file: string | undefined, options: RunCommandOptions, io: CliIo): Promise<void> {
  if (file === undefined) {
    throw new ConfigError('fedtune run needs an experiment file (fedtune run experiment.json), or --resume DIR to go on with a stopped run.');
  }
  const { experiment: fromFile, dir } = await readExperimentFile(file, settingsEdit(options.set ?? []));
  const experiment = withOverrides(fromFile, options);
  const outDir = resolve(options.out ?? defaultOutDir(experiment.name, new Date()));
  const overwrite = options.overwrite === true;
  // A dry run claims the folder too, so it refuses one the run would refuse; the claim removes the
  // folder again when it made it, as it does for any run that never wrote.
  const claim = claimOutDir(outDir, { overwrite }, io);
  try {
    if (options.dryRun === true) {
      const { experiment: withPlugins, container } = await loadExperimentPlugins(experiment, dir, io);
      await dryRun(withPlugins, { experimentDir: dir, container, outDir: displayPath(outDir), workers: options.workers }, io);
      return;
    }
    await runLoaded(experiment, dir, outDir, io, {
      overwrite,
      claim,
      workers: options.workers,
      queue: options.queue,
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
  mode: {
    overwrite?: boolean;
    checkpointEvery?: number;
    resume?: boolean;
    workers: number | undefined;
    queue: string | undefined;
    claim: ResultsFolderClaim;
  },
): Promise<void> {
  // A resumed folder may have come from someone else: none of its files is imported as a plugin.
  const { experiment, container } = await loadExperimentPlugins(loaded, dir, io, mode.resume === true ? outDir : undefined);
  const { queue, ...runMode } = mode;
  const { workers, note } = queue === undefined ? runWorkerCount(mode.workers, experiment, container) : { workers: 1, note: undefined };
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
      ...runMode,
      workers,
      ...(queue === undefined ? {} : { trainers: (await import('@fedtune/queue')).queuedTrainers(queue, { log: (line) => progress.log(line) }) }),
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
