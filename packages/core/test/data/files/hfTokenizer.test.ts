import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHfTokenizer } from '../../../src/data/files/hfTokenizer.js';
import { MAX_TOKENIZER_JSON_BYTES } from '../../../src/data/files/hfTokenizerFiles.js';
import { CheckpointError, DataError } from '../../../src/errors.js';
import { HF_PAD_ID } from '../../../src/model/architectures/huggingface/hfArchitecture.js';
import { useTempDirs } from '../fixtures.js';
import { BOS_TEMPLATE, LLAMA_STYLE_CONFIG, TINY_MERGES, tinyTokenizerJson, writeTokenizerFolder } from '../../../src/testing/tinyTokenizer.js';

const tempDir = useTempDirs();
const ids = (array: Int32Array) => [...array];
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadHfTokenizer: encoding', () => {
  it('applies the merges: "hello world" is hello, Ġw, o, r, l, d', () => {
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir()));
    expect(ids(tokenizer.encode('hello world'))).toEqual([13, 14, 5, 8, 4, 9]);
    expect(ids(tokenizer.encode('hell'))).toEqual([12]);
    expect(ids(tokenizer.encode('he'))).toEqual([10]);
    expect(tokenizer.vocabSize).toBe(15);
    expect(tokenizer.bosTokenId).toBeUndefined();
    expect(tokenizer.eosTokenId).toBeUndefined();
  });

  it('reads merges written as "a b" strings, the older format, the same way', () => {
    const json = tinyTokenizerJson({ model: { merges: TINY_MERGES.map(([a, b]) => `${a} ${b}`) } });
    expect(ids(loadHfTokenizer(writeTokenizerFolder(tempDir(), json)).encode('hello world'))).toEqual([13, 14, 5, 8, 4, 9]);
  });

  it('leaves out a character the vocabulary cannot spell when there is no unknown token, as the Rust library does', () => {
    expect(ids(loadHfTokenizer(writeTokenizerFolder(tempDir())).encode('hello!'))).toEqual([13]);
  });

  it('decodes back to the text', () => {
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir()));
    for (const text of ['hello world', 'hell', 'world hello', 'held']) expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(tokenizer.decode([])).toBe('');
  });
});

describe('loadHfTokenizer: special tokens', () => {
  it('adds BOS when tokenizer_config.json sets add_bos_token, and names BOS and EOS', () => {
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir(), tinyTokenizerJson(), LLAMA_STYLE_CONFIG));
    expect(ids(tokenizer.encode('hello world'))).toEqual([0, 13, 14, 5, 8, 4, 9]);
    expect(tokenizer.bosTokenId).toBe(0);
    expect(tokenizer.eosTokenId).toBe(1);
    expect(tokenizer.specialTokenIds).toEqual(new Set([0, 1]));
    // Special tokens and padding are left out of decoded text.
    expect(tokenizer.decode([0, 13, 14, 5, 8, 4, 9, 1, HF_PAD_ID, HF_PAD_ID])).toBe('hello world');
  });

  it('keeps the BOS that the post-processor adds, once, and drops it when add_bos_token is false', () => {
    const json = tinyTokenizerJson({ postProcessor: BOS_TEMPLATE });
    const withTemplate = loadHfTokenizer(writeTokenizerFolder(tempDir(), json, { bos_token: '<s>' }));
    expect(ids(withTemplate.encode('hell'))).toEqual([0, 12]);
    const alsoFlagged = loadHfTokenizer(writeTokenizerFolder(tempDir(), json, LLAMA_STYLE_CONFIG));
    expect(ids(alsoFlagged.encode('hell'))).toEqual([0, 12]);
    const switchedOff = loadHfTokenizer(writeTokenizerFolder(tempDir(), json, { ...LLAMA_STYLE_CONFIG, add_bos_token: false }));
    expect(ids(switchedOff.encode('hell'))).toEqual([12]);
  });

  it('appends EOS when add_eos_token is true, and reads tokens stored as AddedToken objects', () => {
    const config = { bos_token: { __type: 'AddedToken', content: '<s>' }, eos_token: { __type: 'AddedToken', content: '</s>' }, add_eos_token: true };
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir(), tinyTokenizerJson(), config));
    expect(ids(tokenizer.encode('hell'))).toEqual([12, 1]);
    expect(tokenizer.eosTokenId).toBe(1);
  });

  it("takes the model's BOS and EOS ids when tokenizer_config.json names none (GPT-2's names none)", () => {
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir(), tinyTokenizerJson(), { model_max_length: 1024 }), {
      bosTokenId: 1,
      eosTokenId: 1,
    });
    expect([tokenizer.bosTokenId, tokenizer.eosTokenId]).toEqual([1, 1]);
    expect(ids(tokenizer.encode('hell'))).toEqual([12]);
  });
});

describe('loadHfTokenizer: errors', () => {
  it('refuses a folder without tokenizer.json, naming the folder and how to save one', () => {
    const dir = tempDir();
    expect(() => loadHfTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadHfTokenizer(dir)).toThrow(`${dir} holds no tokenizer.json; save the model's tokenizer into it`);
  });

  it('refuses malformed JSON, naming the file, the line and the column', () => {
    const dir = tempDir();
    const tokenizerPath = join(dir, 'tokenizer.json');
    writeFileSync(tokenizerPath, '{\n  "model": {');
    expect(() => loadHfTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadHfTokenizer(dir)).toThrow(new RegExp(`^${escaped(tokenizerPath)} is not valid JSON: line 2, column \\d+: .*; fix or restore the file\\.`));
    writeTokenizerFolder(dir);
    writeFileSync(join(dir, 'tokenizer_config.json'), 'bos_token = "<s>"');
    expect(() => loadHfTokenizer(dir)).toThrow(`${join(dir, 'tokenizer_config.json')} is not valid JSON: line 1, column 1`);
  });

  it('reads its files as strictly as config.json: a key given twice, a list, bytes that are not UTF-8', () => {
    const dir = writeTokenizerFolder(tempDir());
    const tokenizerPath = join(dir, 'tokenizer.json');
    // JSON.parse would keep the second "model" silently; the tokenizer would then not be the one saved.
    const json = JSON.stringify(tinyTokenizerJson());
    writeFileSync(tokenizerPath, `${json.slice(0, -1)},\n"model": {"type": "BPE"}}`);
    expect(() => loadHfTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadHfTokenizer(dir)).toThrow(new RegExp(`^${escaped(tokenizerPath)} is not valid JSON: line 2, column \\d+: .*model.* is given twice`));
    writeFileSync(tokenizerPath, '[]');
    expect(() => loadHfTokenizer(dir)).toThrow(
      `${tokenizerPath} holds a list, not a JSON object; it is not a tokenizer (tokenizer.json), so restore the file.`,
    );
    writeTokenizerFolder(dir, tinyTokenizerJson(), { bos_token: '<s>' });
    writeFileSync(join(dir, 'tokenizer_config.json'), Buffer.from('{"bos_token": "\xe9"}', 'latin1'));
    expect(() => loadHfTokenizer(dir)).toThrow(
      `${join(dir, 'tokenizer_config.json')} is not valid UTF-8 (line 1 holds bytes that are not); save the file as UTF-8.`,
    );
  });

  it('refuses a tokenizer.json over the size limit before reading it', () => {
    const dir = tempDir();
    const tokenizerPath = join(dir, 'tokenizer.json');
    // A sparse file: the size is checked before a byte of it is read.
    writeFileSync(tokenizerPath, '');
    truncateSync(tokenizerPath, MAX_TOKENIZER_JSON_BYTES + 1);
    expect(() => loadHfTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadHfTokenizer(dir)).toThrow(
      `${tokenizerPath} is ${MAX_TOKENIZER_JSON_BYTES + 1} bytes, over the ${MAX_TOKENIZER_JSON_BYTES}-byte limit for a tokenizer (tokenizer.json); ` +
        "restore a tokenizer (tokenizer.json) from the model's original files.",
    );
  });

  it('refuses a model type the library does not implement, naming it and the supported ones', () => {
    const json = tinyTokenizerJson({ model: { type: 'WordLevel', unk_token: '<unk>' } });
    const dir = writeTokenizerFolder(tempDir(), json);
    expect(() => loadHfTokenizer(dir)).toThrow(CheckpointError);
    expect(() => loadHfTokenizer(dir)).toThrow('model.type "WordLevel" is not supported; supported are BPE, WordPiece, Unigram');
  });

  it('refuses a component the library does not implement, naming the file', () => {
    const dir = writeTokenizerFolder(tempDir(), tinyTokenizerJson({ preTokenizer: { type: 'Shuffle' } }));
    expect(() => loadHfTokenizer(dir)).toThrow(/tokenizer\.json cannot be loaded by @huggingface\/tokenizers \(.*Shuffle/);
  });

  it("refuses a tokenizer with an id at or above the model's vocab_size, naming the token", () => {
    const dir = writeTokenizerFolder(tempDir());
    expect(loadHfTokenizer(dir, { vocabSize: 15 }).vocabSize).toBe(15);
    expect(() => loadHfTokenizer(dir, { vocabSize: 14 })).toThrow(
      `token "Ġw" has id 14, not below the model's vocab_size 14; the tokenizer does not belong to this model`,
    );
  });

  it('refuses ids that are not integers in range before the library sees them', () => {
    const dir = writeTokenizerFolder(tempDir(), tinyTokenizerJson({ model: { vocab: { h: 0, e: 2 ** 40 } } }));
    expect(() => loadHfTokenizer(dir)).toThrow(`token "e" has id ${2 ** 40}, not an integer in [0, 16777216)`);
  });

  it('refuses a special token that the vocabulary does not hold, and add_bos_token without a BOS', () => {
    const dir = writeTokenizerFolder(tempDir(), tinyTokenizerJson(), { eos_token: '<|endoftext|>' });
    expect(() => loadHfTokenizer(dir)).toThrow(`"eos_token" is "<|endoftext|>", which ${join(dir, 'tokenizer.json')} does not hold`);
    writeTokenizerFolder(dir, tinyTokenizerJson(), { add_bos_token: true });
    expect(() => loadHfTokenizer(dir)).toThrow('"add_bos_token" is true but no "bos_token" is named');
    writeTokenizerFolder(dir, tinyTokenizerJson(), { add_bos_token: 'yes' });
    expect(() => loadHfTokenizer(dir)).toThrow('"add_bos_token" is "yes", not true or false');
  });

  it('refuses to decode an id outside the vocabulary', () => {
    const tokenizer = loadHfTokenizer(writeTokenizerFolder(tempDir()));
    expect(() => tokenizer.decode([13, 15])).toThrow(DataError);
    expect(() => tokenizer.decode([13, 15])).toThrow('token id 15 (position 1) is not in the vocabulary');
  });
});
