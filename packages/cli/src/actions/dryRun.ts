import {
  prepareExperiment,
  type BaseModel,
  type Experiment,
  type Federation,
  type PlannedRun,
  type RunOptions,
  type RunSpec,
} from '@fedtune/core';
import { byteCount } from '../byteCount.js';
import { displayPath } from '../displayPath.js';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';
import { runWorkerCount } from '../workerCount.js';

/** What a dry run needs besides the experiment (its plugins loaded into `container`). */
export interface DryRunOptions {
  experimentDir: string;
  container: RunOptions['container'];
  /** The results folder a run would write, as shown to the user. */
  outDir: string;
  /** `--workers`, when given. */
  workers: number | undefined;
}

/**
 * Does everything `fedtune run` does before its first round — reads and partitions the data, loads
 * the base, checks the base against `model`, builds and checks every run's components and adapter —
 * then prints what each run would do and stops. Nothing is trained, and nothing is written.
 * @throws what the run would throw, with the same kinds (so the same exit status).
 */
export async function dryRun(experiment: Experiment, options: DryRunOptions, io: CliIo): Promise<void> {
  const { workers, note } = runWorkerCount(options.workers, experiment, options.container);
  if (note !== undefined) io.stdout.write(`${note}\n`);
  const { federation, runs } = await prepareExperiment(experiment, {
    experimentDir: options.experimentDir,
    container: options.container,
    checkModel: true,
    log: (line) => io.stdout.write(`${terminalText(line)}\n`),
  });
  try {
    // Labels and paths come from the experiment file: shown, not obeyed.
    io.stdout.write(`${terminalText(dryRunReport(experiment, federation, runs, { workers, outDir: options.outDir }), { keepLineFeeds: true })}\n`);
  } finally {
    federation.base.dispose();
  }
}

/** The dry run's report: the federation once, then one block per run. */
function dryRunReport(
  experiment: Experiment,
  federation: Federation,
  runs: readonly { spec: RunSpec; planned: PlannedRun }[],
  setting: { workers: number; outDir: string },
): string {
  const base = frozenBytes(federation.base);
  const data = federation.pool.features.byteLength + federation.pool.labels.byteLength;
  let held = 0;
  for (const share of federation.shares.values()) held += share.length;
  const lines = [
    `dry run of "${experiment.name}": ${runs.length} run${runs.length === 1 ? '' : 's'}, nothing trained or written`,
    `  data:    ${federation.dataOrigin}: clients hold ${held} training examples of ${federation.tasks.length} ` +
      `task${federation.tasks.length === 1 ? '' : 's'} (${byteCount(data)} loaded)`,
    `  base:    ${displayPath(federation.basePath)} (${federation.base.architecture}, ${byteCount(base)} of frozen weights)`,
    `  workers: ${setting.workers} (tfjs ${federation.tfBackend})`,
    `  results: would be written to ${setting.outDir}`,
  ];
  for (const { spec, planned } of runs) lines.push(...runLines(spec, planned, { base, data, workers: setting.workers }));
  return lines.join('\n');
}

function runLines(spec: RunSpec, planned: PlannedRun, sizes: { base: number; data: number; workers: number }): string[] {
  const { experiment } = spec;
  const parameters = planned.adapter.instance.layout.reduce((sum, { shape }) => sum + shape.reduce((a, b) => a * b, 1), 0);
  const upload = parameters * Float32Array.BYTES_PER_ELEMENT;
  const memory = memoryEstimate({ ...sizes, adapterBytes: upload, optimizer: experiment.training.optimizer });
  const clients = planned.clients.length;
  const slots = planned.clients.reduce((sum, client) => sum + client.slots.length, 0);
  const participation = planned.components.selector.participation;
  const perRound =
    participation === undefined
      ? `chosen each round by the ${planned.choice.selector.name} selector`
      : `${Math.min(clients, Math.max(1, Math.ceil(participation * clients)))} per round`;
  const { choice } = planned;
  return [
    `run "${spec.label}":`,
    `  rounds:     ${experiment.training.rounds}`,
    `  clients:    ${clients} (${slots} adapter slot${slots === 1 ? '' : 's'}), ${perRound}`,
    `  components: adapter ${choice.adapter.name}, compressor ${choice.compressor.name}, selector ${choice.selector.name}, ` +
      `aggregator ${choice.aggregator.name}, channel ${choice.channel.name}, backend ${choice.backend.name}`,
    `  adapter:    ${parameters} trainable parameters; ${byteCount(upload)} per upload uncompressed (float32)`,
    `  memory:     about ${byteCount(memory.total)}: base and data ${byteCount(sizes.base + sizes.data)}, ` +
      `${byteCount(memory.perWorker)} per worker (activations not counted)`,
    ...planned.warnings.map((warning) => `  warning:    ${warning}`),
  ];
}

/**
 * Host memory a run holds, roughly: the base and the data in the main thread, plus what each
 * trainer holds — the adapter's parameters, gradients and optimiser state (two moments for Adam)
 * and, in a worker thread, its own copy of the base. One worker trains in the main thread.
 */
export function memoryEstimate(sizes: {
  base: number;
  data: number;
  workers: number;
  adapterBytes: number;
  optimizer: 'adam' | 'sgd';
}): { perWorker: number; total: number } {
  const trainerState = sizes.adapterBytes * (sizes.optimizer === 'adam' ? 4 : 2);
  const perWorker = trainerState + (sizes.workers > 1 ? sizes.base : 0);
  // The main thread's evaluation trainer holds an adapter too when workers train elsewhere.
  const mainThread = sizes.base + sizes.data + (sizes.workers > 1 ? sizes.adapterBytes : 0);
  return { perWorker, total: mainThread + sizes.workers * perWorker };
}

/** Bytes of the base's frozen tensors (float32). */
function frozenBytes(base: BaseModel): number {
  let elements = 0;
  for (const { weight, bias } of base.frozen.values()) elements += weight.size + (bias?.size ?? 0);
  for (const tensor of base.frozenTensors?.values() ?? []) elements += tensor.size;
  return elements * Float32Array.BYTES_PER_ELEMENT;
}
