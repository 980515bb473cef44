import { join } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import type { AdapterInstance } from '../contracts/adapter.js';
import type { CausalLanguageModel } from '../model/architectures/huggingface/hfArchitecture.js';
import { exportPeftAdapter } from '../model/formats/peft.js';
import { exportHfPeftAdapter, hfPeftExportRefusal } from '../model/formats/peftHfExport.js';
import { readCheckpoint, removeCheckpoint, runFingerprint, writeCheckpoint, type ServerState } from './checkpoint.js';
import type { LedgerRow, RunSummary } from './ledger.js';
import type { Federation } from '../federation/types.js';
import { ResultsFolder } from './resultsFolder.js';
import { ResultsFolderClaim } from './resultsFolderClaim.js';
import { writeResumeRecord } from './resumeRecord.js';
import type { RunSpec } from './runSpecs.js';
import { prepareExperiment } from './experimentPreparation.js';
import { type ClientSide, SimulatedClients } from './clientSide.js';
import { prepareRun } from './preparedRun.js';
import type { RunTrainersSource } from './training/runTrainers.js';
import { runRounds } from './roundLoop.js';

/** Progress of one round, for progress bars. */
export interface RoundEvent {
  label: string;
  round: number;
  rounds: number;
  testAccuracy?: number;
  /** Null when no participant trained to a finite loss (see {@link LedgerRow.trainLoss}). */
  trainLoss: number | null;
}

/** How {@link runExperiment} is run. */
export interface RunOptions {
  /** Results folder of the main run; comparisons go to `<outDir>/compare/<label>/`. */
  outDir: string;
  /** Folder relative paths in the experiment are resolved against. */
  experimentDir: string;
  /** Container with core components and the experiment's plugins registered. */
  container: DependencyContainer;
  /**
   * Replace everything `outDir` holds. The old contents stay until the experiment's inputs are
   * checked and loaded, then go as a whole: nothing of them survives beside the new run.
   */
  overwrite?: boolean;
  /**
   * Write each run's server state atomically every this many rounds, so a stopped run can be
   * resumed (see `resume`); also writes `resume.json` at the top of `outDir`.
   */
  checkpointEvery?: number;
  /**
   * Worker threads that train clients (per adapter shape); 1, the default, trains in this thread.
   * Results are the same whatever the number.
   */
  workers?: number;
  /**
   * Where clients train instead of this process's threads (a queue of worker processes on other
   * machines, say); `workers` is then unused. Results must be the same as in this thread.
   */
  trainers?: RunTrainersSource;
  /**
   * Go on with a stopped experiment in `outDir`: finished runs are kept, a run with a checkpoint
   * goes on from it (its ledger cut back to the checkpoint), the others start again.
   */
  resume?: boolean;
  /**
   * The caller's claim on `outDir`, taken with the mode `resume` and `overwrite` give, and released
   * by the caller. Without it the run takes the claim itself and releases it when it ends; either
   * way no other run writes into `outDir` meanwhile.
   */
  claim?: ResultsFolderClaim;
  /**
   * Where each run's clients train, skip and encode: a server hands them to remote clients. Called
   * once per run with its index (0: the main run, k: the k-th `compare` entry) and the side that
   * would play every client in this process, for wrappers; without it that side is used.
   * `firstRound` is the round the run starts from: 0, or a resumed run's checkpoint round.
   */
  clientSide?: (run: { index: number; label: string; simulated: ClientSide; firstRound: number }) => ClientSide;
  onRunStart?: (label: string, rounds: number) => void;
  onRound?: (event: RoundEvent) => void;
  log?: (line: string) => void;
}

/**
 * Runs an experiment and each of its `compare` entries on the same data, clients and seed, writing
 * one results folder per run, and returns their summaries (main run first).
 */
export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunSummary[]> {
  const claim = options.claim ?? ResultsFolderClaim.take(options.outDir, options);
  try {
    claim.assertCovers(options.outDir, options);
    return await runClaimed(experiment, options, claim);
  } finally {
    if (options.claim === undefined) claim.release();
  }
}

async function runClaimed(experiment: Experiment, options: RunOptions, claim: ResultsFolderClaim): Promise<RunSummary[]> {
  const { federation, runs } = await prepareExperiment(experiment, {
    experimentDir: options.experimentDir,
    container: options.container,
    checkModel: !options.resume,
    ...(options.log ? { log: options.log } : {}),
  });
  claim.beginWriting();
  if (options.checkpointEvery !== undefined && !options.resume) {
    ResultsFolder.create(options.outDir, options.overwrite ?? false);
    writeResumeRecord(options.outDir, {
      experiment,
      experimentDir: options.experimentDir,
      checkpointEvery: options.checkpointEvery,
    });
  }
  const summaries: RunSummary[] = [];
  for (const [index, { spec }] of runs.entries()) {
    const outDir = spec.folder === '' ? options.outDir : join(options.outDir, 'compare', spec.folder);
    const finished = options.resume ? ResultsFolder.finishedSummary(outDir) : undefined;
    summaries.push(finished ?? (await runOne(spec, index, federation, outDir, options)));
  }
  return summaries;
}

/**
 * Writes the run's adapter as PEFT loads it. On a Hugging Face model folder, which stays where it is
 * (it may be gigabytes), the adapter is written as PEFT saves one of that model, naming the folder
 * as its base: LoRA factors alone as a `CAUSAL_LM` adapter, LoRA and a trained classification head
 * as a `SEQ_CLS` adapter (the head as transformers' bias-free `score`). An adapter PEFT's layout
 * cannot hold (a head with a bias, from an adapter that ignores `headWithoutBias`) goes in
 * fedtune's own layout, without the base, and `log` says why. fedtune's own bases are copied beside it.
 */
async function exportAdapter(
  folder: string,
  federation: Federation,
  adapter: AdapterInstance,
  parameters: Float32Array,
  log: (line: string) => void
): Promise<void> {
  if (federation.baseContextLength === undefined) {
    await exportPeftAdapter(folder, { adapter, parameters, base: { path: federation.basePath, model: federation.base } });
    return;
  }
  const model = federation.base as CausalLanguageModel;
  // On a Hugging Face base only a classifier trains a head: a causal LM keeps its LM head frozen.
  const taskType = adapter.peftLora?.modulesToSave.length === 0 ? 'CAUSAL_LM' : 'SEQ_CLS';
  const refusal = hfPeftExportRefusal(model, adapter, taskType);
  if (refusal === undefined) {
    await exportHfPeftAdapter(folder, { model, adapter, parameters, baseModelNameOrPath: federation.basePath, taskType });
    return;
  }
  log(`warning: the adapter is written in fedtune's own layout, not as a PEFT ${taskType} adapter of ${federation.basePath}: ${refusal}`);
  await exportPeftAdapter(folder, { adapter, parameters });
}

async function runOne(spec: RunSpec, index: number, federation: Federation, outDir: string, options: RunOptions): Promise<RunSummary> {
  const { experiment, label } = spec;
  const started = performance.now();
  const run = await prepareRun(spec, federation, {
    container: options.container,
    workers: options.workers ?? 1,
    resolveFrom: options.experimentDir,
    trainers: options.trainers,
  });
  const { choice, components, trainer, modelOf } = run;
  const adapter = run.adapter.instance;

  const fingerprint = runFingerprint(experiment);
  const initialGlobal = adapter.initialParameters(federation.base.frozen);
  const resume: ServerState | undefined = options.resume ? readCheckpoint(outDir, fingerprint, initialGlobal.length) : undefined;
  const accuracies: number[] = [];
  let uplink = 0;
  let downlink = 0;
  const count = (row: LedgerRow) => {
    uplink += row.uplinkBytes;
    downlink += row.downlinkBytes;
    if (row.testAccuracy !== null) accuracies.push(row.testAccuracy);
  };
  let folder: ResultsFolder;
  let earlierWallMs = 0;
  if (resume) {
    const reopened = ResultsFolder.reopen(outDir, resume.nextRound);
    folder = reopened.folder;
    reopened.rows.forEach(count);
    earlierWallMs = reopened.rows.reduce((sum, row) => sum + row.wallMs, 0);
  } else {
    // The main run's folder was just made to hold resume.json, and a resumed run without a
    // checkpoint starts again: both replace what is there.
    const fresh = options.resume === true || (options.checkpointEvery !== undefined && spec.folder === '');
    folder = ResultsFolder.create(outDir, fresh || (options.overwrite ?? false));
    folder.writeExperiment({ ...experiment, resolvedAt: new Date().toISOString(), data: { ...experiment.data, origin: federation.dataOrigin } });
  }
  const simulated = new SimulatedClients({ seed: experiment.seed, components, modelOf }, resume?.clientMemory);
  const clientSide = options.clientSide?.({ index, label, simulated, firstRound: resume?.nextRound ?? 0 }) ?? simulated;
  options.onRunStart?.(label, experiment.training.rounds);
  for (const warning of run.warnings) options.log?.(`warning: ${warning}`);
  const every = options.checkpointEvery;

  try {
    const { global: final } = await runRounds({
      seed: experiment.seed,
      rounds: experiment.training.rounds,
      evaluation: experiment.evaluation,
      clients: run.clients,
      tasks: federation.tasks,
      trainer,
      metrics: adapter.metrics?.bind(adapter),
      initialGlobal,
      layout: adapter.layout,
      components,
      updateScreen: experiment.updateScreen,
      modelOf,
      clientSide,
      resume,
      checkpoint: every === undefined ? undefined : { every, write: (state) => writeCheckpoint(outDir, state, fingerprint) },
      log: options.log ?? (() => {}),
      onRound: (row: LedgerRow) => {
        folder.appendRound(row);
        count(row);
        options.onRound?.({
          label,
          round: row.round,
          rounds: experiment.training.rounds,
          trainLoss: row.trainLoss,
          ...(row.testAccuracy !== null ? { testAccuracy: row.testAccuracy } : {}),
        });
      },
    });
    // A head-only fine-tune has no LoRA form for PEFT to read; its head is in the ledger's run only.
    if (adapter.peftLora !== undefined) await exportAdapter(folder.adapterDir, federation, adapter, final, options.log ?? (() => {}));
  } finally {
    await run.close();
  }
  const finalAccuracy = accuracies.at(-1);
  if (finalAccuracy === undefined) throw new ConfigError('the run evaluated no round; check evaluation.every');
  const summary: RunSummary = {
    label,
    name: experiment.name,
    seed: experiment.seed,
    rounds: experiment.training.rounds,
    finalAccuracy,
    bestAccuracy: Math.max(...accuracies),
    totalUplinkBytes: uplink,
    totalDownlinkBytes: downlink,
    wallMs: performance.now() - started + earlierWallMs,
    trainableParameters: adapter.layout.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0),
    outDir,
    backend: components.backend.name,
    tfBackend: federation.tfBackend,
    data: federation.dataOrigin,
    components: Object.fromEntries(Object.entries(choice).map(([kind, c]) => [kind, c.name])),
    finishedAt: new Date().toISOString(),
  };
  folder.writeSummary(summary);
  removeCheckpoint(outDir);
  return summary;
}
