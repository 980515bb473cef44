import { loadFashionMnist } from '../data/fashionMnist.js';
import { concatFeatureSets, toFeatureSet } from '../data/features.js';
import { splitUpstreamDownstream } from '../data/splits.js';
import { clientTaskLists } from '../data/taskAssignment.js';
import { applyTask, DEFAULT_TASK } from '../data/tasks.js';
import type { ClientData, FeatureSet } from '../data/types.js';
import { ConfigError } from '../errors.js';
import type { Experiment, TaskSpec } from '../experiment/schema.js';
import type { BaseModel } from '../model/baseModel.js';
import { loadBaseModel } from '../model/baseModelFile.js';
import { embeddedBasePath } from '../model/embeddedBase.js';
import { useTfBackend } from '../model/tfBackend.js';
import { applyDataLimits } from './dataLimits.js';
import { dataSourceFolder, resolveBasePath } from './experimentPaths.js';
import { partitionTasks } from './partitionTasks.js';
import { prepareTextFederation } from './textFederation.js';
import { shareFeatureSet } from './training/sharedFeatures.js';

/** One downstream task: its test images and class count. */
export interface FederationTask {
  spec: TaskSpec;
  numClasses: number;
  test: FeatureSet;
  /** Test images to evaluate on (a stratified subset when `testLimit` is set). */
  testIndices: Uint32Array | undefined;
  /** A next-byte task: the ledger reports its perplexity, exp(test cross-entropy). */
  languageModel?: boolean;
}

/** A client and its adapter slots (one per task it trains, or one shared slot). */
export interface FederatedClient {
  clientId: number;
  slots: ClientData[];
}

/** The data, clients and frozen base every run of one experiment shares. */
export interface Federation {
  /**
   * Every task's training features; task t's images are rows [t·n, (t+1)·n). Held in shared
   * memory, so training worker threads read this one copy.
   */
  pool: FeatureSet;
  tasks: FederationTask[];
  /** Which tasks each client holds (ground truth, for evaluation only). */
  clientTasks: number[][];
  /** Pool indices of each client's images of each task, keyed `client/task`: views into one shared buffer. */
  shares: ReadonlyMap<string, Uint32Array>;
  base: BaseModel;
  /** The frozen base's file, which training workers load for themselves. */
  basePath: string;
  /** Dataset and kind of source (`fashion-mnist embedded`), without folder names. */
  dataOrigin: string;
  tfBackend: string;
}

/**
 * Loads the data, builds each task's images, splits off the downstream pool the base never saw,
 * assigns tasks to clients and partitions each task's images over the clients holding it, and loads
 * the frozen base. Done once per experiment, so comparison runs share it; each run then cuts the
 * clients into slots ({@link clientSlots}).
 */
export async function prepareFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  if (experiment.data.dataset !== 'fashion-mnist') return prepareTextFederation(experiment, experimentDir);
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const { data, seed } = experiment;
  const source = dataSourceFolder(data.source, experimentDir) ?? data.source;
  const images = loadFashionMnist({ source });
  const specs = data.tasks ?? [DEFAULT_TASK];

  const { trainRows: downstream, testIndices } = applyDataLimits(
    experiment,
    { labels: images.train.labels, rows: splitUpstreamDownstream(images.train.labels, data.upstreamClasses).downstream },
    { labels: images.test.labels, count: images.test.count },
  );

  // A single task's set becomes the pool itself, so it is converted straight into shared memory.
  const trainSets = specs.map((spec) => toFeatureSet(applyTask(images.train, spec), { shared: specs.length === 1 }));
  const tasks = specs.map((spec) => {
    const test = toFeatureSet(applyTask(images.test, spec));
    return { spec, numClasses: test.numClasses, test, testIndices };
  });
  const pool = shareFeatureSet(trainSets.length === 1 ? (trainSets[0] as FeatureSet) : concatFeatureSets(trainSets));

  const clientTasks = clientTaskLists(data.numClients, specs.length, data.tasksPerClient, seed);
  const shares = partitionTasks(
    experiment,
    trainSets.map((set, task) => ({ labels: set.labels, rows: downstream, offset: task * set.count })),
    clientTasks,
  );

  const basePath = resolveBasePath(experiment.model.base, experimentDir, embeddedBasePath);
  const base = await loadBaseModel(basePath);
  if (base.inputSize !== pool.featureSize) {
    throw new ConfigError(
      `model.base: the base takes ${base.inputSize} inputs but the data has ${pool.featureSize} features; pre-train a base for this data with fedtune pretrain`,
    );
  }
  return { pool, tasks, clientTasks, shares, base, basePath, dataOrigin: `fashion-mnist ${images.kind}`, tfBackend };
}

/**
 * The clients of a federation cut into adapter slots: with `per-task`, one slot per task a client
 * holds (in task order); with `shared`, one slot holding all its tasks' images (FedIT).
 */
export function clientSlots(federation: Federation, taskSlots: 'per-task' | 'shared'): FederatedClient[] {
  return federation.clientTasks.map((tasks, clientId) => {
    const perTask = tasks.map((task) => federation.shares.get(`${clientId}/${task}`) as Uint32Array);
    if (taskSlots === 'shared' || tasks.length === 1) {
      const all = perTask.length === 1 ? (perTask[0] as Uint32Array) : concatIndices(perTask);
      return { clientId, slots: [{ clientId, slot: 0, source: federation.pool, indices: all, tasks }] };
    }
    return {
      clientId,
      slots: tasks.map((task, slot) => ({ clientId, slot, source: federation.pool, indices: perTask[slot] as Uint32Array, tasks: [task] })),
    };
  });
}

function concatIndices(lists: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((n, list) => n + list.length, 0));
  let offset = 0;
  for (const list of lists) {
    out.set(list, offset);
    offset += list.length;
  }
  return out;
}
