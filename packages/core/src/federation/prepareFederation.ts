import { loadFashionMnist } from '../data/fashionMnist.js';
import { concatFeatureSets, toFeatureSet } from '../data/features.js';
import { splitUpstreamDownstream } from '../data/splits.js';
import { clientTaskLists } from '../data/taskAssignment.js';
import { applyTask, DEFAULT_TASK } from '../data/tasks.js';
import type { FeatureSet } from '../data/types.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { loadBaseModel } from '../model/baseModelFile.js';
import { embeddedBasePath } from '../model/embeddedBase.js';
import { useTfBackend } from '../model/tfBackend.js';
import { applyDataLimits } from './dataLimits.js';
import { dataSourceFolder, resolveBasePath } from './experimentPaths.js';
import { partitionTasks } from './partitionTasks.js';
import { prepareTextFederation } from './textFederation.js';
import { shareFeatureSet } from './sharedFeatures.js';
import type { Federation } from './types.js';

/**
 * Loads the data, builds each task's images, splits off the downstream pool the base never saw,
 * assigns tasks to clients and partitions each task's images over the clients holding it, and loads
 * the frozen base. Done once per experiment, so comparison runs share it; each run then cuts the
 * clients into slots (`clientSlots`).
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
