import { isAbsolute, resolve } from 'node:path';
import { partitionIndices } from '../data/partition.js';
import { loadFortuneCorpus } from '../data/text/fortuneCorpus.js';
import { fortuneTaskSets, type FortuneTaskName } from '../data/text/fortuneTasks.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { loadBaseModel } from '../model/baseModelFile.js';
import { fortunesBasePath } from '../model/embeddedBase.js';
import { useTfBackend } from '../model/tfBackend.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';
import type { Federation } from './prepareFederation.js';
import { applyDataLimits } from './dataLimits.js';
import { shareFeatureSet } from './training/sharedFeatures.js';

/** The text datasets and the fortune task each asks. */
export const TEXT_DATASETS: Readonly<Record<string, FortuneTaskName>> = {
  'fortunes-topic': 'topic',
  'fortunes-language': 'language',
};

/**
 * A federation on Debian's fortune collections: the task's training texts (never the base's
 * pre-training pool) partitioned over the clients by `data.partition` on their labels, so
 * Dirichlet mixing gives each client mostly one topic or one language, and the task's test texts.
 * `model.base: "embedded"` is the byte-level transformer pre-trained on the held-out pool.
 */
export async function prepareTextFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  const { data, seed } = experiment;
  const task = TEXT_DATASETS[data.dataset];
  if (task === undefined) throw new ConfigError(`data.dataset "${data.dataset}" is not a text dataset.`);
  if (data.tasks !== undefined) {
    throw new ConfigError(`data.tasks (rotated or relabelled images) does not apply to ${data.dataset}; remove it.`);
  }
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const basePath =
    experiment.model.base === 'embedded'
      ? fortunesBasePath()
      : isAbsolute(experiment.model.base)
        ? experiment.model.base
        : resolve(experimentDir, experiment.model.base);
  const base = await loadBaseModel(basePath);
  try {
    const root = ['embedded', 'system', 'auto'].includes(data.source) ? undefined : resolve(experimentDir, data.source);
    const records = loadFortuneCorpus(root === undefined ? {} : { root });
    // The base reads a fixed context, so examples are cut to its input size.
    const sets = fortuneTaskSets(records, task, { sequenceLength: base.inputSize });
    const { trainRows, testIndices } = applyDataLimits(
      experiment,
      { labels: sets.train.labels, rows: Uint32Array.from({ length: sets.train.count }, (_, i) => i) },
      { labels: sets.test.labels, count: sets.test.count },
    );
    const pool = shareFeatureSet(sets.train);
    const stream = new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.partition });
    const clientShares = partitionIndices(pool.labels, trainRows, data.numClients, data.partition, stream);
    const onlyTask = [0];
    return {
      pool,
      tasks: [{ spec: { name: task, rotate: 0 }, numClasses: sets.test.numClasses, test: sets.test, testIndices }],
      clientTasks: clientShares.map(() => onlyTask),
      shares: new Map(clientShares.map((share, client) => [`${client}/0`, share])),
      base,
      basePath,
      dataOrigin: `${data.dataset} (${sets.train.classNames.length} classes)`,
      tfBackend,
    };
  } catch (error) {
    base.dispose();
    throw error;
  }
}
