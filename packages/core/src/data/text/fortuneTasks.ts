import { splitTexts, FORTUNE_SPLIT, type TextSplitOptions } from './textSplit.js';
import type { FortuneRecord } from './fortuneCorpus.js';
import {
  languageFeatureSet,
  topicFeatureSet,
  type FortuneTaskOptions,
  type TextClassificationSet,
} from './textFeatures.js';

/** The downstream fortune tasks. */
export type FortuneTaskName = 'topic' | 'language';

/** A downstream task's two sides, both drawn from text the pre-training pool never holds. */
export interface FortuneTaskSets {
  train: TextClassificationSet;
  test: TextClassificationSet;
}

/**
 * The train and test sets of a fortune task, from the `train` and `test` pools of `split`
 * (default {@link FORTUNE_SPLIT}). `maxPerClass` caps the training side; the test side is capped
 * in proportion to the pools' shares.
 */
export function fortuneTaskSets(
  records: readonly FortuneRecord[],
  task: FortuneTaskName,
  options: FortuneTaskOptions & {
    split?: TextSplitOptions;
    /** The topic task's collections (default `TOPIC_COLLECTIONS`). */
    topics?: readonly string[];
    /** The language task's languages (default: all). */
    languages?: readonly string[];
  },
): FortuneTaskSets {
  const split = options.split ?? FORTUNE_SPLIT;
  const pools = splitTexts(records, split);
  const build = task === 'topic' ? topicFeatureSet : languageFeatureSet;
  const trainShare = 1 - split.pretrainFraction - split.testFraction;
  const testCap =
    options.maxPerClass === undefined
      ? undefined
      : Math.max(1, Math.round((options.maxPerClass * split.testFraction) / trainShare));
  return {
    train: build(pools.train, options),
    test: build(pools.test, { ...options, maxPerClass: testCap }),
  };
}
