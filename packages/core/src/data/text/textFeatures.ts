import { ConfigError, DataError } from '../../errors.js';
import type { FeatureSet } from '../types.js';
import { BYTE_CLASSES, textTokens, writePaddedTokens } from './byteTokenizer.js';
import { FORTUNE_LANGUAGES, requireCollections, type FortuneRecord } from './fortuneCorpus.js';

/** A classification feature set that also names its classes (label i is `classNames[i]`). */
export interface TextClassificationSet extends FeatureSet {
  classNames: readonly string[];
}

/**
 * The English collections the topic task classifies, each with about 150 to 1,050 fortunes on a
 * subject of its own. Broad grab-bags (`cookie`, `people`, `miscellaneous`) and collections of
 * fewer than 140 fortunes (`medicine`, `pets`) are left out.
 */
export const TOPIC_COLLECTIONS: readonly string[] = [
  'computers',
  'science',
  'politics',
  'food',
  'law',
  'sports',
  'love',
  'education',
  'drugs',
  'work',
];

function checkSequenceLength(sequenceLength: number): void {
  if (!Number.isSafeInteger(sequenceLength) || sequenceLength < 2) {
    throw new ConfigError(`sequence length ${sequenceLength} is not an integer of at least 2; set it to e.g. 64.`);
  }
}

/**
 * One row per record: BOS and the text's bytes, cut or padded to `sequenceLength` tokens, labelled
 * by `classNames.indexOf(classOf(record))`. Records whose class is not listed are left out; with
 * `maxPerClass`, a class with more records keeps that many, evenly spaced through them, so every
 * collection of a language stays represented.
 */
export function textClassificationSet(
  records: readonly FortuneRecord[],
  classOf: (record: FortuneRecord) => string,
  classNames: readonly string[],
  sequenceLength: number,
  maxPerClass?: number,
): TextClassificationSet {
  checkSequenceLength(sequenceLength);
  const byClass = classNames.map(() => [] as FortuneRecord[]);
  for (const record of records) byClass[classNames.indexOf(classOf(record))]?.push(record);
  const kept = byClass.map((members) => {
    if (maxPerClass === undefined || members.length <= maxPerClass) return members;
    // The middle of each of maxPerClass equal stretches, so neither end's collections are favoured.
    return Array.from({ length: maxPerClass }, (_, i) => members[Math.floor(((2 * i + 1) * members.length) / (2 * maxPerClass))]!);
  });
  const count = kept.reduce((sum, members) => sum + members.length, 0);
  const features = new Float32Array(count * sequenceLength);
  const labels = new Int32Array(count);
  let row = 0;
  // Rows keep the records' order, not class order, so a prefix of the set mixes classes.
  const keptSet = new Set(kept.flat());
  for (const record of records) {
    if (!keptSet.has(record)) continue;
    writePaddedTokens(features, row * sequenceLength, textTokens(record.text), sequenceLength);
    labels[row] = classNames.indexOf(classOf(record));
    row++;
  }
  return { count, featureSize: sequenceLength, numClasses: classNames.length, features, labels, classNames };
}

/** Options of the two fortune classification tasks. */
export interface FortuneTaskOptions {
  /** Tokens per example (BOS plus the first bytes of the fortune). */
  sequenceLength: number;
  /** Cap on the examples of each class (default: all). */
  maxPerClass?: number;
}

/**
 * Topic of an English fortune: which of `topics` (default {@link TOPIC_COLLECTIONS}) it comes from.
 *
 * @throws DataError when a topic collection is missing from `records`, naming its package.
 */
export function topicFeatureSet(
  records: readonly FortuneRecord[],
  options: FortuneTaskOptions & { topics?: readonly string[] },
): TextClassificationSet {
  const topics = options.topics ?? TOPIC_COLLECTIONS;
  requireCollections(records, topics);
  return textClassificationSet(
    records,
    (record) => record.collection,
    topics,
    options.sequenceLength,
    options.maxPerClass,
  );
}

/**
 * Language of a fortune, over `languages` (default: every one of {@link FORTUNE_LANGUAGES}).
 *
 * @throws DataError when `records` hold no fortune of one of the languages, naming its package.
 */
export function languageFeatureSet(
  records: readonly FortuneRecord[],
  options: FortuneTaskOptions & { languages?: readonly string[] },
): TextClassificationSet {
  const languages = options.languages ?? FORTUNE_LANGUAGES.map((language) => language.code);
  const present = new Set(records.map((record) => record.language));
  const missing = languages.find((language) => !present.has(language));
  if (missing !== undefined) {
    const known = FORTUNE_LANGUAGES.find((language) => language.code === missing);
    throw new DataError(
      `no fortunes of language "${missing}" were loaded; ` +
        (known === undefined
          ? `use one of ${FORTUNE_LANGUAGES.map((language) => language.code).join(', ')}.`
          : `install them with "apt-get install ${known.aptPackage}" and load that language.`),
    );
  }
  return textClassificationSet(
    records,
    (record) => record.language,
    languages,
    options.sequenceLength,
    options.maxPerClass,
  );
}

/** Next-byte windows and, per window, the group (language, say) of the text it was cut from. */
export interface NextByteSet extends FeatureSet {
  /** `groups[i]` is `groupOf` of window i's text (0 without `groupOf`), for partitioning by source. */
  groups: Int32Array;
}

/**
 * Next-byte windows. Each text becomes BOS and its bytes, cut into consecutive windows of
 * `sequenceLength` tokens; a window's label is the byte that follows it, and a text's last window
 * ends one byte before its end (padded on the right) so that it has a following byte too. Every
 * byte of every text is thus the target of exactly one position of one window: position t's target
 * is the token at t + 1, and the last non-pad position's is the label — which is how
 * `pretrainTransformer` trains on all positions at once. `numClasses` is 256 (bytes).
 */
export function nextByteFeatureSet(
  records: readonly FortuneRecord[],
  sequenceLength: number,
  groupOf: (record: FortuneRecord) => number = () => 0,
): NextByteSet {
  checkSequenceLength(sequenceLength);
  const sequences = records.map((record) => textTokens(record.text));
  // A text of n bytes has n + 1 tokens and n targets, so ⌈n / sequenceLength⌉ windows.
  const count = sequences.reduce((sum, tokens) => sum + Math.ceil((tokens.length - 1) / sequenceLength), 0);
  const features = new Float32Array(count * sequenceLength);
  const labels = new Int32Array(count);
  const groups = new Int32Array(count);
  let row = 0;
  sequences.forEach((tokens, text) => {
    const group = groupOf(records[text] as FortuneRecord);
    for (let start = 0; start < tokens.length - 1; start += sequenceLength) {
      const end = Math.min(start + sequenceLength, tokens.length - 1);
      writePaddedTokens(features, row * sequenceLength, tokens.subarray(start, end), sequenceLength);
      labels[row] = tokens[end] as number;
      groups[row] = group;
      row++;
    }
  });
  return { count, featureSize: sequenceLength, numClasses: BYTE_CLASSES, features, labels, groups };
}
