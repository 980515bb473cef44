import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  BOS_TOKEN,
  BYTE_CLASSES,
  PAD_TOKEN,
  decodeUtf8,
  textTokens,
  writePaddedTokens,
} from '../../../src/data/text/byteTokenizer.js';
import { loadFortuneCorpus } from '../../../src/data/text/fortuneCorpus.js';
import { fortuneTaskSets } from '../../../src/data/text/fortuneTasks.js';
import { languageFeatureSet, nextByteFeatureSet, topicFeatureSet } from '../../../src/data/text/textFeatures.js';
import { splitTexts, textPool } from '../../../src/data/text/textSplit.js';
import { ConfigError } from '../../../src/errors.js';
import { FIXTURE_ROOT } from './fixtures.js';

const records = loadFortuneCorpus({ root: FIXTURE_ROOT, languages: ['en', 'de'] });

/** The tokens of row `row` of a feature set. */
function row(features: Float32Array, length: number, index: number): number[] {
  return Array.from(features.subarray(index * length, (index + 1) * length));
}

describe('byte tokens', () => {
  test.prop([fc.string({ unit: 'grapheme' })])('BOS then UTF-8 bytes, decoding back to the text', (text) => {
    const tokens = textTokens(text);
    expect(tokens[0]).toBe(BOS_TOKEN);
    expect(tokens.slice(1).every((t) => t < 256)).toBe(true);
    expect(decodeUtf8(Uint8Array.from(tokens.subarray(1)))).toBe(text);
  });

  it('pads on the right and cuts at the length', () => {
    const target = new Float32Array(8).fill(-1);
    writePaddedTokens(target, 1, [1, 2, 3], 5);
    expect(Array.from(target)).toEqual([-1, 1, 2, 3, PAD_TOKEN, PAD_TOKEN, -1, -1]);
    writePaddedTokens(target, 0, [9, 8, 7, 6], 2);
    expect(Array.from(target.subarray(0, 3))).toEqual([9, 8, 2]);
  });
});

describe('text split', () => {
  const split = { seed: 3, pretrainFraction: 0.3, testFraction: 0.2 };

  it('puts every text in exactly one pool, by its text alone', () => {
    const pools = splitTexts(records, split);
    expect(pools.pretrain.length + pools.train.length + pools.test.length).toBe(records.length);
    const texts = (pool: typeof records) => new Set(pool.map((r) => r.text));
    const [a, b, c] = [texts(pools.pretrain), texts(pools.train), texts(pools.test)];
    for (const text of a) expect(b.has(text) || c.has(text)).toBe(false);
    for (const text of b) expect(c.has(text)).toBe(false);
    // Reordering or dropping other records moves nothing.
    const reversed = splitTexts([...records].reverse().slice(2), split);
    for (const record of reversed.test) expect(c.has(record.text)).toBe(true);
  });

  test.prop([fc.array(fc.string(), { minLength: 200, maxLength: 200 })])(
    'gives each pool roughly its share of texts',
    (texts) => {
      const counts = { pretrain: 0, train: 0, test: 0 };
      texts.forEach((text, i) => counts[textPool(`${i}:${text}`, split)]++);
      expect(counts.pretrain).toBeGreaterThan(30);
      expect(counts.test).toBeGreaterThan(15);
      expect(counts.train).toBeGreaterThan(60);
    }
  );

  it('rejects shares that leave no training text', () => {
    expect(() => textPool('x', { seed: 1, pretrainFraction: 0.6, testFraction: 0.4 })).toThrow(ConfigError);
  });
});

describe('feature builders', () => {
  it('topic: English fortunes of the listed collections, BOS first, padded, labelled by topic', () => {
    const set = topicFeatureSet(records, { sequenceLength: 12, topics: ['food', 'computers'] });
    expect(set.classNames).toEqual(['food', 'computers']);
    expect(set.count).toBe(10);
    expect(set.featureSize).toBe(12);
    expect(set.features).toHaveLength(120);
    expect(Array.from(set.labels)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(row(set.features, 12, 4)).toEqual([BOS_TOKEN, ...Buffer.from('My keyboard')]);
    const short = topicFeatureSet([{ text: 'Hi', collection: 'food', language: 'en' }], {
      sequenceLength: 5,
      topics: ['food'],
    });
    expect(row(short.features, 5, 0)).toEqual([BOS_TOKEN, 72, 105, PAD_TOKEN, PAD_TOKEN]);
  });

  it('language: every loaded language, optionally capped per class with collections kept mixed', () => {
    const set = languageFeatureSet(records, { sequenceLength: 8, languages: ['en', 'de'] });
    expect(set.count).toBe(records.length);
    expect(set.numClasses).toBe(2);
    expect(Array.from(set.labels).filter((l) => l === 1)).toHaveLength(5);
    const capped = languageFeatureSet(records, { sequenceLength: 8, languages: ['en', 'de'], maxPerClass: 2 });
    expect(Array.from(capped.labels)).toEqual([0, 0, 1, 1]);
    // Evenly spaced: one German fortune from each collection.
    expect(row(capped.features, 8, 3).slice(1, 3)).toEqual([...Buffer.from('K')].concat([0xc3]));
  });

  it('next byte: consecutive windows whose label is the byte after them, every byte a target once', () => {
    const text = 'Größer!';
    const bytes = [...Buffer.from(text)];
    const set = nextByteFeatureSet([{ text, collection: 'x', language: 'de' }], 4);
    expect(set.numClasses).toBe(BYTE_CLASSES);
    expect(set.count).toBe(Math.ceil(bytes.length / 4));
    expect(row(set.features, 4, 0)).toEqual([BOS_TOKEN, ...bytes.slice(0, 3)]);
    expect(set.labels[0]).toBe(bytes[3]);
    expect(row(set.features, 4, 1)).toEqual(bytes.slice(3, 7));
    expect(set.labels[1]).toBe(bytes[7]);
    // The last window stops one byte early so that the text's last byte is its label.
    expect(row(set.features, 4, 2)).toEqual([...bytes.slice(7, 8), PAD_TOKEN, PAD_TOKEN, PAD_TOKEN]);
    expect(set.labels[2]).toBe(bytes[8]);
    expect(bytes).toHaveLength(9);
  });

  it('task sets come from the train and test pools only', () => {
    const split = { seed: 3, pretrainFraction: 0.3, testFraction: 0.2 };
    const { train, test } = fortuneTaskSets(records, 'language', { sequenceLength: 8, languages: ['en', 'de'], split });
    const pools = splitTexts(records, split);
    expect(train.count).toBe(pools.train.length);
    expect(test.count).toBe(pools.test.length);
  });
});
