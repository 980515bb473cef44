import { concatFeatureSets, toFeatureSet } from '../data/features.js';
import type { FashionMnist } from '../data/fashionMnistFormat.js';
import { allIndices } from '../data/indexLists.js';
import { splitUpstreamDownstream } from '../data/splits.js';
import { clientTaskLists } from '../data/taskAssignment.js';
import { applyTask, DEFAULT_TASK } from '../data/tasks.js';
import type { FeatureSet } from '../data/types.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import type { BaseModel } from '../model/architectures/baseModel.js';
import { applyDataLimits } from './dataLimits.js';
import { partitionTasks } from './partitionTasks.js';
import { shareFeatureSet } from './sharedFeatures.js';
import { assertUpstreamClassesMatchBase } from './upstreamClassesMatch.js';
import type { Federation } from './types.js';

/** The frozen base and where it was read from. */
export interface LoadedBase {
  base: BaseModel;
  basePath: string;
}

/**
 * A person's own images in place of Fashion-MNIST's: the base never saw any of them, so every
 * training image is downstream and `data.upstreamClasses` (which names Fashion-MNIST classes) is
 * not compared with the base.
 */
export interface OwnImages {
  /** What the ledger records as the data, e.g. `image-folder (3 classes)`. */
  dataOrigin: string;
}

/**
 * Builds each task's images from loaded Fashion-MNIST (or `ownImages`), splits off the downstream pool the base never
 * saw, assigns tasks to clients and partitions each task's images over the clients holding it, then
 * loads the frozen base with `loadBase`. Reads no file itself, so a federation prepared from a folder
 * and one prepared from fetched bytes are the same bit for bit.
 * @throws ConfigError when the base's input size differs from the data's feature size.
 */
export async function buildImageFederation(
  experiment: Experiment,
  images: FashionMnist,
  tfBackend: string,
  loadBase: () => Promise<LoadedBase>,
  ownImages?: OwnImages,
): Promise<Federation> {
  const { data, seed } = experiment;
  const specs = data.tasks ?? [DEFAULT_TASK];

  const { trainRows: downstream, testIndices } = applyDataLimits(
    experiment,
    {
      labels: images.train.labels,
      rows: ownImages ? allIndices(images.train.count) : splitUpstreamDownstream(images.train.labels, data.upstreamClasses).downstream,
    },
    { labels: images.test.labels, count: images.test.count },
  );

  // A single task's set becomes the pool itself, so it is converted straight into shared memory.
  const trainSets = specs.map((spec) => toFeatureSet(applyTask(images.train, spec), { shared: specs.length === 1 }));
  const tasks = specs.map((spec) => {
    const test = toFeatureSet(applyTask(images.test, spec));
    return { spec, numClasses: test.numClasses, test, testIndices };
  });
  const pool = shareFeatureSet(trainSets.length === 1 ? (trainSets[0] as FeatureSet) : concatFeatureSets(trainSets));

  const { shares, clientTasks } = partitionTasks(
    experiment,
    trainSets.map((set, task) => ({ labels: set.labels, rows: downstream, offset: task * set.count })),
    clientTaskLists(data.numClients, specs.length, data.tasksPerClient, seed),
  );

  const { base, basePath } = await loadBase();
  try {
    if (!ownImages) assertUpstreamClassesMatchBase(data.upstreamClasses, base, basePath);
    if (base.inputSize !== pool.featureSize) {
      throw new ConfigError(
        `model.base: the base takes ${base.inputSize} inputs but the data has ${pool.featureSize} features; pre-train a base for this data with fedtune pretrain`,
      );
    }
  } catch (error) {
    // The refused base's frozen tensors would otherwise stay in tfjs memory for the process's life.
    base.dispose();
    throw error;
  }
  return { pool, tasks, clientTasks, shares, base, basePath, dataOrigin: ownImages?.dataOrigin ?? `fashion-mnist ${images.kind}`, tfBackend };
}
