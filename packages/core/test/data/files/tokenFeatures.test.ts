import { describe, expect, it } from 'vitest';
import { loadHfTokenizer } from '../../../src/data/files/hfTokenizer.js';
import type { TextRecords } from '../../../src/data/files/textRecords.js';
import { causalLmFeatureSet, sequenceClassificationFeatureSet } from '../../../src/data/files/tokenFeatures.js';
import { CheckpointError, ConfigError, DataError } from '../../../src/errors.js';
import { HF_PAD_ID } from '../../../src/model/architectures/huggingface/hfArchitecture.js';
import { useTempDirs } from '../fixtures.js';
import { LLAMA_STYLE_CONFIG, tinyTokenizerJson, writeTokenizerFolder } from '../../../src/testing/tinyTokenizer.js';

const tempDir = useTempDirs();
const P = HF_PAD_ID;

/** The tiny BPE with LLaMA's settings: BOS (0) before every text, EOS is 1. */
const llamaStyle = () => loadHfTokenizer(writeTokenizerFolder(tempDir(), tinyTokenizerJson(), LLAMA_STYLE_CONFIG));
const rows = (features: Float32Array, width: number) =>
  Array.from({ length: features.length / width }, (_, row) => [...features.subarray(row * width, (row + 1) * width)]);

describe('causalLmFeatureSet', () => {
  // "hello" → [0, 13], "hell" → [0, 12], "world" → [0, 7, 5, 8, 4, 9] (no leading space, so no Ġw):
  // joined with EOS (1) between documents the stream is 0 13 1 0 12 1 0 7 5 8 4 9.
  const corpus = ['hello', 'hell', 'world'];

  it('cuts the EOS-joined stream into windows labelled with the token that follows', () => {
    const set = causalLmFeatureSet(corpus, llamaStyle(), { contextLength: 4 });
    // 12 tokens give 11 targets: windows at 0, 4 and 8, the last holding 3 tokens and padding.
    expect(rows(set.features, 4)).toEqual([
      [0, 13, 1, 0],
      [12, 1, 0, 7],
      [5, 8, 4, P],
    ]);
    expect([...set.labels]).toEqual([12, 5, 9]);
    expect(set).toMatchObject({ count: 3, featureSize: 4, numClasses: 15, droppedTexts: 0, note: undefined });
  });

  it('gives a window that fills its context exactly no padding, and takes the head width it is given', () => {
    const set = causalLmFeatureSet(corpus, llamaStyle(), { contextLength: 11, numClasses: 32 });
    expect(rows(set.features, 11)).toEqual([[0, 13, 1, 0, 12, 1, 0, 7, 5, 8, 4]]);
    expect([...set.labels]).toEqual([9]);
    expect(set.numClasses).toBe(32);
  });

  it('does not double an EOS the tokenizer already appends', () => {
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir(), tinyTokenizerJson(), { eos_token: '</s>', add_eos_token: true }));
    const set = causalLmFeatureSet(['hell', 'he'], tokenizer, { contextLength: 8 });
    // [12, 1] then [10, 1]: no separator added.
    expect(rows(set.features, 8)).toEqual([[12, 1, 10, P, P, P, P, P]]);
    expect([...set.labels]).toEqual([1]);
  });

  it('leaves out texts with no tokens but special ones, and says how many', () => {
    const set = causalLmFeatureSet(['hello', '', 'hell', '!', 'world'], llamaStyle(), { contextLength: 4 });
    expect([...set.labels]).toEqual([12, 5, 9]);
    expect(set.droppedTexts).toBe(2);
    expect(set.note).toBe('2 of 5 texts encode to no tokens but special ones (an empty text, say) and were left out');
  });

  it('refuses a bad context length or head width, a tokenizer with no EOS, and too little text', () => {
    const tokenizer = llamaStyle();
    expect(() => causalLmFeatureSet(corpus, tokenizer, { contextLength: 0 })).toThrow(ConfigError);
    expect(() => causalLmFeatureSet(corpus, tokenizer, { contextLength: 4, numClasses: 14 })).toThrow(
      "numClasses 14 is below the tokenizer's 15 ids",
    );
    const noEos = loadHfTokenizer(writeTokenizerFolder(tempDir()));
    expect(() => causalLmFeatureSet(corpus, noEos, { contextLength: 4 })).toThrow(CheckpointError);
    expect(causalLmFeatureSet(['hello world'], noEos, { contextLength: 4 }).count).toBe(2);
    expect(() => causalLmFeatureSet(['hell'], noEos, { contextLength: 4 })).toThrow(DataError);
    expect(() => causalLmFeatureSet(['hell'], noEos, { contextLength: 4 })).toThrow('the texts hold 1 token together');
  });
});

describe('sequenceClassificationFeatureSet', () => {
  const records: TextRecords = {
    source: 'reviews.csv',
    texts: ['hello world', 'hell', '', 'world'],
    labels: Int32Array.from([1, 0, 1, 0]),
    labelNames: ['neg', 'pos'],
  };

  it('keeps the start of long texts, pads short ones, and labels each by its class', () => {
    const set = sequenceClassificationFeatureSet(records, llamaStyle(), { contextLength: 4 });
    expect(rows(set.features, 4)).toEqual([
      [0, 13, 14, 5], // BOS hello Ġw o, cut from 7 tokens
      [0, 12, P, P],
      [0, 7, 5, 8], // BOS w o r, cut from 6
    ]);
    expect([...set.labels]).toEqual([1, 0, 0]);
    expect(set).toMatchObject({ count: 3, featureSize: 4, numClasses: 2, classNames: ['neg', 'pos'], droppedTexts: 1 });
    expect(set.note).toBe('1 of 4 texts encode to no tokens but special ones (an empty text, say) and were left out');
  });

  it('refuses unlabelled records and texts with no content at all', () => {
    expect(() => sequenceClassificationFeatureSet({ source: 'plain.jsonl', texts: ['hell'] }, llamaStyle(), { contextLength: 4 })).toThrow(
      'plain.jsonl carries no labels',
    );
    const blank: TextRecords = { source: 'blank.csv', texts: ['', ''], labels: Int32Array.from([0, 0]), labelNames: ['a'] };
    expect(() => sequenceClassificationFeatureSet(blank, llamaStyle(), { contextLength: 4 })).toThrow(DataError);
  });
});
