import { CheckpointError, ConfigError, DataError } from '../../errors.js';
import { HF_PAD_ID } from '../../model/architectures/huggingface/hfArchitecture.js';
import { writePaddedTokens } from '../text/byteTokenizer.js';
import type { TextClassificationSet } from '../text/textFeatures.js';
import type { FeatureSet } from '../types.js';
import type { TextRecords } from './textRecords.js';
import type { TextTokenizer } from './textTokenizer.js';

/** Texts a feature set leaves out: those that encode to special tokens alone (an empty text, say). */
export interface DroppedTexts {
  droppedTexts: number;
  /** Says how many texts were left out and why; absent when none was. */
  note?: string;
}

/** Options of {@link causalLmFeatureSet}. */
export interface CausalLmFeatureOptions {
  /** Tokens per example: the model's input length. */
  contextLength: number;
  /**
   * Outputs of the model's head: its config.json `vocab_size`, which may exceed the tokenizer's
   * (embeddings are often padded). Default: the tokenizer's `vocabSize`.
   */
  numClasses?: number;
}

function checkContextLength(contextLength: number): void {
  if (!Number.isSafeInteger(contextLength) || contextLength < 1) {
    throw new ConfigError(`context length ${contextLength} is not a positive integer; set it to e.g. 128.`);
  }
}

/** The ids of each text that has content, and a count of those that have none. */
function encodeTexts(texts: readonly string[], tokenizer: TextTokenizer): { sequences: Int32Array[]; kept: number[] } & DroppedTexts {
  const sequences: Int32Array[] = [];
  const kept: number[] = [];
  texts.forEach((text, index) => {
    const ids = tokenizer.encode(text);
    if (!ids.some((id) => !tokenizer.specialTokenIds.has(id))) return;
    sequences.push(ids);
    kept.push(index);
  });
  const droppedTexts = texts.length - kept.length;
  if (droppedTexts === 0) return { sequences, kept, droppedTexts };
  const note = `${droppedTexts} of ${texts.length} texts encode to no tokens but special ones (an empty text, say) and were left out`;
  return { sequences, kept, droppedTexts, note };
}

/**
 * Next-token windows for a causal language model, the shape of the byte-level `nextByteFeatureSet`
 * with the model's own tokens. Every text is encoded (with the special tokens the tokenizer adds,
 * LLaMA's BOS say), and the texts are joined in order with the EOS token between two documents
 * (unless the first already ends with it) into one stream, cut into consecutive windows of
 * `contextLength` tokens that may span documents. A window's features are its ids as floats; its
 * label is the id that follows it, which the model predicts at the window's last position. The
 * last window ends one token before the stream's end, so it too has a following token, and is
 * right-padded with `HF_PAD_ID`: every token but the first is thus the label of exactly one window
 * position. `numClasses` is the head's output count (see {@link CausalLmFeatureOptions}).
 *
 * @throws ConfigError for a context length that is not a positive integer or a `numClasses` below
 *   the tokenizer's vocabulary; CheckpointError when documents must be joined and the tokenizer
 *   names no EOS; DataError when the texts hold fewer than two tokens together.
 */
export function causalLmFeatureSet(
  texts: readonly string[],
  tokenizer: TextTokenizer,
  options: CausalLmFeatureOptions,
): FeatureSet & DroppedTexts {
  const { contextLength } = options;
  checkContextLength(contextLength);
  const numClasses = options.numClasses ?? tokenizer.vocabSize;
  if (!Number.isSafeInteger(numClasses) || numClasses < tokenizer.vocabSize) {
    throw new ConfigError(
      `numClasses ${numClasses} is below the tokenizer's ${tokenizer.vocabSize} ids; give the model's vocab_size, which covers them.`,
    );
  }
  const { sequences, droppedTexts, note } = encodeTexts(texts, tokenizer);
  const eos = tokenizer.eosTokenId;
  if (eos === undefined && sequences.length > 1) {
    throw new CheckpointError(
      'the tokenizer names no EOS token to put between documents; name "eos_token" in tokenizer_config.json or give the model\'s eos_token_id.',
    );
  }
  const separated = sequences.map((ids, i) => i > 0 && sequences[i - 1]?.at(-1) !== eos);
  const length = sequences.reduce((sum, ids, i) => sum + ids.length + (separated[i] ? 1 : 0), 0);
  if (length < 2) {
    throw new DataError(`the texts hold ${length} token${length === 1 ? '' : 's'} together; a next-token example needs at least 2.`);
  }
  const stream = new Int32Array(length);
  let at = 0;
  sequences.forEach((ids, i) => {
    if (separated[i]) stream[at++] = eos as number;
    stream.set(ids, at);
    at += ids.length;
  });
  // n tokens give n − 1 targets, contextLength per window.
  const count = Math.ceil((length - 1) / contextLength);
  const features = new Float32Array(count * contextLength);
  const labels = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    const start = row * contextLength;
    const end = Math.min(start + contextLength, length - 1);
    writePaddedTokens(features, start, stream.subarray(start, end), contextLength, HF_PAD_ID);
    labels[row] = stream[end] as number;
  }
  return { count, featureSize: contextLength, numClasses, features, labels, droppedTexts, note };
}

/**
 * One example per labelled text for sequence classification: the text's ids (with the special
 * tokens the tokenizer adds) cut to their first `contextLength` tokens — the start is kept, so a
 * BOS stays and a long text loses its end, EOS included — and right-padded with `HF_PAD_ID`, so
 * the model reads the example at its last real token. The label is the text's class index;
 * `numClasses` is the number of label names, `classNames` the names.
 *
 * @throws ConfigError for a context length that is not a positive integer; DataError when the
 *   records carry no labels.
 */
export function sequenceClassificationFeatureSet(
  records: TextRecords,
  tokenizer: TextTokenizer,
  options: { contextLength: number },
): TextClassificationSet & DroppedTexts {
  const { contextLength } = options;
  checkContextLength(contextLength);
  const { labels: classes, labelNames } = records;
  if (classes === undefined || labelNames === undefined) {
    throw new DataError(
      `${records.source} carries no labels; sequence classification needs one per record (a label field or column, or class folders).`,
    );
  }
  const { sequences, kept, droppedTexts, note } = encodeTexts(records.texts, tokenizer);
  const count = sequences.length;
  if (count === 0) throw new DataError(`${records.source}: no text encodes to any token but special ones; check that the texts are not empty.`);
  const features = new Float32Array(count * contextLength);
  const labels = new Int32Array(count);
  sequences.forEach((ids, row) => {
    writePaddedTokens(features, row * contextLength, ids, contextLength, HF_PAD_ID);
    labels[row] = classes[kept[row] as number] as number;
  });
  return {
    count,
    featureSize: contextLength,
    numClasses: labelNames.length,
    features,
    labels,
    classNames: labelNames,
    droppedTexts,
    note,
  };
}
