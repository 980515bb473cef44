import { isAbsolute, resolve } from 'node:path';
import { loadFashionMnist } from '../data/fashionMnist.js';
import { concatFeatureSets, toFeatureSet } from '../data/features.js';
import { partitionIndices } from '../data/partition.js';
import { splitUpstreamDownstream } from '../data/splits.js';
import { clientsByTask, clientTaskLists } from '../data/taskAssignment.js';
import { applyTask, DEFAULT_TASK } from '../data/tasks.js';
import type { ClientData, FeatureSet } from '../data/types.js';
import { ConfigError } from '../errors.js';
import type { Experiment, TaskSpec } from '../experiment/schema.js';
import type { BaseModel } from '../model/baseModel.js';
import { loadBaseModel } from '../model/baseModelFile.js';
import { embeddedBasePath } from '../model/embeddedBase.js';
import { useTfBackend } from '../model/tfBackend.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';
import { applyDataLimits } from './dataLimits.js';
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
  const source = ['embedded', 'system', 'auto'].includes(data.source) ? data.source : resolve(experimentDir, data.source);
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
  const shares = partitionTasks(experiment, trainSets, downstream, clientTasks);

  const basePath = resolveBasePath(experiment.model.base, experimentDir);
  const base = await loadBaseModel(basePath);
  if (base.inputSize !== pool.featureSize) {
    throw new ConfigError(
      `model.base: the base takes ${base.inputSize} inputs but the data has ${pool.featureSize} features; pre-train a base for this data with fedtune pretrain`,
    );
  }
  return { pool, tasks, clientTasks, shares, base, basePath, dataOrigin: `fashion-mnist ${images.kind}`, tfBackend };
}

/**
 * Each task's images partitioned over the clients holding it, as pool indices per (client, task).
 * Every share is a view into one `SharedArrayBuffer`: a client costs a view, not a buffer of its
 * own, and a share posted to a training worker is shared rather than copied.
 */
function partitionTasks(
  experiment: Experiment,
  trainSets: readonly FeatureSet[],
  downstream: Uint32Array,
  clientTasks: number[][],
): Map<string, Uint32Array> {
  const holders = clientsByTask(clientTasks, trainSets.length);
  const partitions = trainSets.map((set, task) => {
    // Task 0 keeps the single-task stream, so adding tasks never changes task 0's split.
    const stream = new RandomStream({ seed: experiment.seed, round: 0, client: task, stream: RandomStreams.partition });
    const clients = holders[task] as number[];
    return { clients, offset: task * set.count, shares: partitionIndices(set.labels, downstream, clients.length, experiment.data.partition, stream) };
  });
  const total = partitions.reduce((n, { shares }) => shares.reduce((m, share) => m + share.length, n), 0);
  const all = new Uint32Array(new SharedArrayBuffer(total * Uint32Array.BYTES_PER_ELEMENT));
  const indices = new Map<string, Uint32Array>();
  let at = 0;
  partitions.forEach(({ clients, offset, shares }, task) => {
    shares.forEach((share, i) => {
      const view = all.subarray(at, at + share.length);
      for (let k = 0; k < share.length; k++) view[k] = (share[k] as number) + offset;
      indices.set(`${clients[i]}/${task}`, view);
      at += share.length;
    });
  });
  return indices;
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


function resolveBasePath(base: string, experimentDir: string): string {
  if (base === 'embedded') return embeddedBasePath();
  return isAbsolute(base) ? base : resolve(experimentDir, base);
}
