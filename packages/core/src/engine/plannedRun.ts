import type { DependencyContainer } from 'tsyringe';
import type { FederatedClient, Federation } from '../federation/types.js';
import { clientSlots } from '../federation/clientSlots.js';
import type { AdapterOptions } from '../contracts/adapter.js';
import { LocalTrainer, type TrainingOptions } from '../model/training/trainer.js';
import { buildClientModels } from './clientModels.js';
import type { ClientModel } from './clientSide.js';
import { assertComponentsCompatible, componentAssumptionWarnings } from './componentCompatibility.js';
import { buildComponents, type ComponentChoice, type RunComponents } from './components.js';
import { createRunAdapter, type RunAdapter } from './runAdapter.js';
import type { RunSpec } from './runSpecs.js';
import { inThreadTrainers, type RunTrainers } from './training/inThreadTrainers.js';

/** A run's components and adapter, checked against each other and the federation. */
export interface PlannedRun {
  choice: ComponentChoice;
  /** Every client of the federation with its adapter slots for this run. */
  clients: FederatedClient[];
  components: RunComponents;
  adapter: RunAdapter;
  /** Where the run leaves what a component was shown to work under, to log at its start. */
  warnings: string[];
}

/**
 * Builds a run's components and adapter and checks them against each other and the federation's
 * shape (pairings, task slots, slices, adapter options, target modules and client ranks), and
 * notes where the run leaves what a component assumes (participation, say). Cheap:
 * no tensor is allocated, so every run of an experiment is planned before the first one trains.
 * @throws ConfigError or PluginError naming the problem and the fix.
 */
export function planRun(spec: RunSpec, federation: Federation, container: DependencyContainer): PlannedRun {
  const { experiment } = spec;
  const choice: ComponentChoice = {
    backend: experiment.backend,
    adapter: { name: experiment.adapter.name, options: experiment.adapter.options },
    compressor: experiment.compressor,
    selector: experiment.selector,
    aggregator: experiment.aggregator,
    channel: experiment.channel,
  };
  const clients = clientSlots(federation, experiment.training.taskSlots);
  const components = buildComponents(container, choice, { seed: experiment.seed, numClients: clients.length });
  assertComponentsCompatible(components, {
    taskSlots: clients.some((client) => client.slots.length > 1),
    slices: experiment.adapter.clientRanks !== undefined,
  });
  const adapter = createRunAdapter(components.adapter, experiment, federation);
  return { choice, clients, components, adapter, warnings: componentAssumptionWarnings(components) };
}

/** A planned run with its trainers: ready to train clients and evaluate the global model. */
export interface PreparedRun extends PlannedRun {
  training: TrainingOptions;
  /** Evaluates the global model (and, with one worker, trains the full adapter). */
  trainer: LocalTrainer;
  /** The model each client trains. */
  modelOf: (clientId: number) => ClientModel;
  /** Releases the trainers (worker threads, tensors). */
  close(): Promise<void>;
}

/** A run's trainers, built from its evaluation trainer (see {@link assembleRun}). */
export type TrainersFor = (evaluation: { trainer: LocalTrainer; settings: AdapterOptions }, training: TrainingOptions) => RunTrainers;

/**
 * Builds a planned run's evaluation trainer, its slot trainers (from `trainersFor`) and the model each
 * client trains; releases what it built when a step fails.
 */
export async function assembleRun(spec: RunSpec, planned: PlannedRun, federation: Federation, trainersFor: TrainersFor): Promise<PreparedRun> {
  const { experiment } = spec;
  const training: TrainingOptions = {
    epochs: experiment.training.localEpochs,
    steps: experiment.training.localSteps,
    batchSize: experiment.training.batchSize,
    learningRate: experiment.training.learningRate,
    optimizer: experiment.training.optimizer,
  };
  const trainer = new LocalTrainer(federation.base, planned.adapter.instance, training);
  const trainers = trainersFor({ trainer, settings: planned.adapter.settings }, training);
  const close = async () => {
    await trainers.close();
    trainer.dispose();
  };
  try {
    const modelOf = await buildClientModels({ adapter: planned.adapter, trainers });
    return { ...planned, training, trainer, modelOf, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Plans a run ({@link planRun}) and builds its trainers in this thread, as `prepareRun` does with one
 * worker: what a client without worker threads (a browser tab) trains with.
 */
export async function prepareInThreadRun(spec: RunSpec, federation: Federation, container: DependencyContainer): Promise<PreparedRun> {
  const planned = planRun(spec, federation, container);
  return assembleRun(spec, planned, federation, (evaluation, training) => inThreadTrainers({ base: federation.base, training, evaluation }));
}
