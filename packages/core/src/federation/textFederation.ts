import { concatFeatureSets } from '../data/features.js';
import { clientTaskLists } from '../data/taskAssignment.js';
import { FORTUNE_LANGUAGES, loadFortuneCorpus, type FortuneRecord } from '../data/text/fortuneCorpus.js';
import { fortuneTaskSets } from '../data/text/fortuneTasks.js';
import { nextByteFeatureSet } from '../data/text/textFeatures.js';
import { FORTUNE_SPLIT, splitTexts } from '../data/text/textSplit.js';
import type { FeatureSet } from '../data/types.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { loadBaseModel } from '../model/formats/baseModelFile.js';
import { fortunesBasePath } from '../model/formats/embeddedBase.js';
import { useTfBackend } from '../model/training/tfBackend.js';
import { applyDataLimits } from './dataLimits.js';
import { dataSourceFolder, resolveBasePath } from './experimentPaths.js';
import { partitionTasks } from './partitionTasks.js';
import { shareFeatureSet } from './sharedFeatures.js';
import type { Federation, FederationTask } from './types.js';

/** A fortune task: classify a fortune's topic or language, or predict the next byte. */
type TextTask = 'topic' | 'language' | 'next-byte';

/** The text datasets and the tasks each federates (two tasks: clients hold one or both, as in TAC). */
export const TEXT_DATASETS: Readonly<Record<string, readonly TextTask[]>> = {
  'fortunes-topic': ['topic'],
  'fortunes-language': ['language'],
  'fortunes-next-byte': ['next-byte'],
  'fortunes-multitask': ['topic', 'language'],
};

/** One task's examples, and the labels its training rows are partitioned by. */
interface TextTaskSets {
  train: FeatureSet;
  test: FeatureSet;
  /** Topic or language for classification; the source text's language for next-byte windows. */
  partitionLabels: Int32Array;
}

function buildTask(task: TextTask, records: readonly FortuneRecord[], sequenceLength: number): TextTaskSets {
  if (task !== 'next-byte') {
    const sets = fortuneTaskSets(records, task, { sequenceLength });
    return { ...sets, partitionLabels: sets.train.labels };
  }
  // Clients hold mostly one language each, as a phone keyboard's text would be.
  const languageOf = (record: FortuneRecord) => FORTUNE_LANGUAGES.findIndex((language) => language.code === record.language);
  const pools = splitTexts(records, FORTUNE_SPLIT);
  const train = nextByteFeatureSet(pools.train, sequenceLength, languageOf);
  return { train, test: nextByteFeatureSet(pools.test, sequenceLength), partitionLabels: train.groups };
}

/**
 * A federation on Debian's fortune collections, on text the base's pre-training pool never held:
 * each task's training examples partitioned over the clients holding it by `data.partition` on
 * their labels (Dirichlet mixing gives each client mostly one topic or one language; next-byte
 * windows go by their text's language), and each task's test examples. `model.base: "embedded"`
 * is the byte-level transformer pre-trained on the held-out pool.
 */
export async function prepareTextFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  const { data, seed } = experiment;
  const names = TEXT_DATASETS[data.dataset];
  if (names === undefined) throw new ConfigError(`data.dataset "${data.dataset}" is not a text dataset.`);
  if (data.tasks !== undefined) {
    throw new ConfigError(
      `data.tasks (rotated or relabelled images) does not apply to ${data.dataset}; remove it (fortunes-multitask holds two text tasks).`,
    );
  }
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const basePath = resolveBasePath(experiment.model.base, experimentDir, fortunesBasePath);
  const base = await loadBaseModel(basePath);
  try {
    const root = dataSourceFolder(data.source, experimentDir);
    const records = loadFortuneCorpus(root === undefined ? {} : { root });
    // The base reads a fixed context, so examples are cut to its input size.
    const built = names.map((name) => buildTask(name, records, base.inputSize));
    const limited = built.map((sets) =>
      applyDataLimits(
        experiment,
        { labels: sets.partitionLabels, rows: Uint32Array.from({ length: sets.train.count }, (_, i) => i) },
        { labels: sets.test.labels, count: sets.test.count },
      ),
    );
    const pool = shareFeatureSet(built.length === 1 ? (built[0] as TextTaskSets).train : concatFeatureSets(built.map((s) => s.train)));
    let offset = 0;
    const taskRows = built.map((sets, task) => {
      const rows = { labels: sets.partitionLabels, rows: (limited[task] as { trainRows: Uint32Array }).trainRows, offset };
      offset += sets.train.count;
      return rows;
    });
    const { shares, clientTasks } = partitionTasks(
      experiment,
      taskRows,
      clientTaskLists(data.numClients, names.length, data.tasksPerClient, seed),
    );
    const tasks: FederationTask[] = built.map((sets, task) => ({
      spec: { name: names[task] as string, rotate: 0 },
      numClasses: sets.test.numClasses,
      test: sets.test,
      testIndices: (limited[task] as { testIndices: Uint32Array | undefined }).testIndices,
      ...(names[task] === 'next-byte' ? { languageModel: true } : {}),
    }));
    return { pool, tasks, clientTasks, shares, base, basePath, dataOrigin: `${data.dataset} (${built.map((sets) => sets.test.numClasses).join(' + ')} classes)`, tfBackend };
  } catch (error) {
    base.dispose();
    throw error;
  }
}
