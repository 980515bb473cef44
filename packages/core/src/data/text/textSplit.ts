import { ConfigError } from '../../errors.js';
import { counterUniform, RandomStreams, type RandomKey } from '../../random/counterRandom.js';
import { encodeUtf8 } from './byteTokenizer.js';

/** Where a text goes: pre-training the base, or the downstream tasks' training or test side. */
export type TextPool = 'pretrain' | 'train' | 'test';

/** Shares of the three pools; `train` gets what the other two leave. */
export interface TextSplitOptions {
  seed: number;
  /** Share of texts held out for pre-training, in [0, 1). */
  pretrainFraction: number;
  /** Share of texts in the downstream test pool, in [0, 1). */
  testFraction: number;
}

/**
 * The split the fortune tasks use: 30% of the texts pre-train the base, 20% test the downstream
 * tasks and 50% train them. The seed is fixed once so the saved base stays reproducible.
 */
export const FORTUNE_SPLIT: TextSplitOptions = { seed: 6, pretrainFraction: 0.3, testFraction: 0.2 };

/** 32-bit FNV-1a of the text's UTF-8 bytes: a stable name for the text, whatever else is loaded. */
function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encodeUtf8(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

function checkSplit(options: TextSplitOptions): void {
  const { pretrainFraction, testFraction } = options;
  const share = (x: number) => Number.isFinite(x) && x >= 0 && x < 1;
  if (!share(pretrainFraction) || !share(testFraction) || pretrainFraction + testFraction >= 1) {
    throw new ConfigError(
      `text split shares pretrain ${pretrainFraction} and test ${testFraction} must each lie in [0, 1) and leave ` +
        'some texts for training; lower them.',
    );
  }
}

/**
 * The pool of one text: a uniform draw of core's counter random at the text's hash, so the pool
 * depends only on the text and the seed. Identical texts always share a pool, and adding or
 * removing other collections moves no text between pools.
 */
export function textPool(text: string, options: TextSplitOptions): TextPool {
  checkSplit(options);
  const key: RandomKey = { seed: options.seed, round: 0, client: 0, stream: RandomStreams.subset };
  const u = counterUniform(key, textHash(text));
  if (u < options.pretrainFraction) return 'pretrain';
  return u < options.pretrainFraction + options.testFraction ? 'test' : 'train';
}

/** Records grouped by {@link textPool}, each pool in the records' order. */
export function splitTexts<T extends { text: string }>(
  records: readonly T[],
  options: TextSplitOptions = FORTUNE_SPLIT,
): Record<TextPool, T[]> {
  const pools: Record<TextPool, T[]> = { pretrain: [], train: [], test: [] };
  for (const record of records) pools[textPool(record.text, options)].push(record);
  return pools;
}
