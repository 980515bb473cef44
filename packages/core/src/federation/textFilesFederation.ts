import { isAbsolute, resolve } from 'node:path';
import { loadTextRecords } from '../data/files/loadTextRecords.js';
import type { TextRecords } from '../data/files/textRecords.js';
import { splitTextRecords } from '../data/files/textRecordSplit.js';
import { causalLmFeatureSet, sequenceClassificationFeatureSet } from '../data/files/tokenFeatures.js';
import { clientTaskLists } from '../data/taskAssignment.js';
import type { FeatureSet } from '../data/types.js';
import { ConfigError, DataError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { useTfBackend } from '../model/training/tfBackend.js';
import { applyDataLimits } from './dataLimits.js';
import { loadHfBase, type HfBase } from './hfBase.js';
import { partitionTasks } from './partitionTasks.js';
import { shareFeatureSet } from './sharedFeatures.js';
import type { Federation } from './types.js';

/** Share of the texts (chosen by content and seed, see `splitTextRecords`) that tests the adapter. */
export const TEXT_FILES_TEST_FRACTION = 0.2;

/**
 * Partitions that split by class. A causal-lm example's class is its next token, which says
 * nothing about whose text it is, so these would scatter every document over every client.
 */
const CLASS_PARTITIONS: readonly string[] = ['dirichlet', 'shards', 'task-groups'];

type TextFilesTask = 'causal-lm' | 'classification';

/** One task's examples, and the labels its training rows are stratified and partitioned by. */
interface TextFilesSets {
  train: FeatureSet;
  test: FeatureSet;
  partitionLabels: Int32Array;
}

/** Refuses settings a text-files federation cannot honour, before anything is loaded. */
function checkSettings(experiment: Experiment, task: TextFilesTask): string {
  const { data } = experiment;
  if (data.path === undefined) {
    throw new ConfigError(
      'data.dataset "text-files" reads data.path, which is not set; set it to a .jsonl, .csv or .tsv file or a folder of .txt files, relative to the experiment file.',
    );
  }
  if (data.tasks !== undefined) {
    throw new ConfigError('data.tasks (rotated or relabelled images) does not apply to text-files; remove it.');
  }
  if (data.source !== 'embedded') {
    throw new ConfigError(`data.source "${data.source}" names the images or fortunes to read; text-files reads data.path instead, so remove data.source.`);
  }
  if (task === 'causal-lm' && CLASS_PARTITIONS.includes(data.partition.kind)) {
    throw new ConfigError(
      `data.partition "${data.partition.kind}" splits examples by class, but a causal-lm example's class is its next token, ` +
        'which says nothing about whose text it is; use "iid" (or "dirichlet-quantity" for unequal shares).',
    );
  }
  return data.path;
}

function buildSets(task: TextFilesTask, records: { train: TextRecords; test: TextRecords }, base: HfBase): TextFilesSets {
  const { tokenizer, contextLength, model } = base;
  if (task === 'causal-lm') {
    const options = { contextLength, numClasses: model.vocabSize };
    const train = causalLmFeatureSet(records.train.texts, tokenizer, options);
    // One group: trainLimit then draws a plain random subset of the windows.
    return { train, test: causalLmFeatureSet(records.test.texts, tokenizer, options), partitionLabels: new Int32Array(train.count) };
  }
  const classes = records.train.labelNames?.length ?? 0;
  if (records.train.labels !== undefined && classes < 2) {
    throw new DataError(`${records.train.source} holds ${classes} label; classification needs at least 2 labels.`);
  }
  const train = sequenceClassificationFeatureSet(records.train, tokenizer, { contextLength });
  return { train, test: sequenceClassificationFeatureSet(records.test, tokenizer, { contextLength }), partitionLabels: train.labels };
}

/** The train and test sides of the records, each refused when empty. */
function splitRecords(records: TextRecords, seed: number): { train: TextRecords; test: TextRecords } {
  const sides = splitTextRecords(records, { seed, testFraction: TEXT_FILES_TEST_FRACTION });
  for (const [name, side] of Object.entries(sides)) {
    if (side.texts.length === 0) {
      throw new DataError(
        `${records.source}: no text of ${records.texts.length} fell on the ${name} side (${TEXT_FILES_TEST_FRACTION * 100}% of ` +
          'distinct texts test the adapter, chosen by content); give more distinct texts.',
      );
    }
  }
  return sides;
}

/**
 * A federation on the person's own texts (`data.path`) and Hugging Face model (`baseFolder`): the
 * records split by text into train and test sides, tokenized by the model's tokenizer into
 * `model.contextLength`-token examples — next-token windows for `causal-lm` (a language-model task:
 * perplexity in the ledger, the model's LM head kept frozen), one example per labelled text for
 * `classification` (a new head, one output per label) — the limits applied as for the fortunes,
 * and the training examples partitioned over the clients by `data.partition`.
 * @throws ConfigError for settings that do not apply; DataError for unreadable or too few texts;
 *   CheckpointError for a model folder that does not load.
 */
export async function prepareTextFilesFederation(experiment: Experiment, experimentDir: string, baseFolder: string): Promise<Federation> {
  const { data, seed } = experiment;
  const task: TextFilesTask = data.task ?? 'causal-lm';
  const dataPath = checkSettings(experiment, task);
  const records = loadTextRecords(isAbsolute(dataPath) ? dataPath : resolve(experimentDir, dataPath), {
    textField: data.textField,
    labelField: data.labelField,
  });
  const sides = splitRecords(records, seed);
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const base = await loadHfBase(baseFolder, experiment.model.contextLength);
  try {
    const sets = buildSets(task, sides, base);
    const { trainRows, testIndices } = applyDataLimits(
      experiment,
      { labels: sets.partitionLabels, rows: Uint32Array.from({ length: sets.train.count }, (_, i) => i) },
      { labels: sets.test.labels, count: sets.test.count },
    );
    const { shares, clientTasks } = partitionTasks(
      experiment,
      [{ labels: sets.partitionLabels, rows: trainRows, offset: 0 }],
      clientTaskLists(data.numClients, 1, data.tasksPerClient, seed),
    );
    const languageModel = task === 'causal-lm';
    return {
      pool: shareFeatureSet(sets.train),
      tasks: [{ spec: { name: task, rotate: 0 }, numClasses: sets.test.numClasses, test: sets.test, testIndices, ...(languageModel ? { languageModel } : {}) }],
      clientTasks,
      shares,
      base: base.model,
      basePath: baseFolder,
      baseContextLength: base.contextLength,
      defaultTargetModules: base.defaultTargetModules,
      baseNotes: base.notes,
      // A classifier's head is transformers' `score`, which has no bias.
      ...(languageModel ? { frozenHead: true } : { headWithoutBias: true }),
      dataOrigin: `text-files ${task} (${languageModel ? `${sets.test.numClasses} tokens` : `${sets.test.numClasses} classes`})`,
      tfBackend,
    };
  } catch (error) {
    base.model.dispose();
    throw error;
  }
}
