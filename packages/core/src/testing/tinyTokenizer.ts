import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A byte-level BPE small enough to check by hand, in the tokenizer.json schema the Rust
 * `tokenizers` library writes. Its merges spell `hello` (13) and `hell` (12) from letters, and
 * join a leading space (`Ġ`, byte-level's space) with `w`: "hello world" is [13, 14, 5, 8, 4, 9].
 */
export const TINY_VOCAB: Readonly<Record<string, number>> = {
  '<s>': 0,
  '</s>': 1,
  h: 2,
  e: 3,
  l: 4,
  o: 5,
  'Ġ': 6,
  w: 7,
  r: 8,
  d: 9,
  he: 10,
  ll: 11,
  hell: 12,
  hello: 13,
  'Ġw': 14,
};

export const TINY_MERGES: readonly (readonly [string, string])[] = [
  ['h', 'e'],
  ['l', 'l'],
  ['he', 'll'],
  ['hell', 'o'],
  ['Ġ', 'w'],
];

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A TemplateProcessing post-processor that puts `<s>` before every text, as LLaMA's tokenizer.json does. */
export const BOS_TEMPLATE = {
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
  pair: [
    { SpecialToken: { id: '<s>', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '<s>', type_id: 1 } },
    { Sequence: { id: 'B', type_id: 1 } },
  ],
  special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] } },
};

/** The tiny tokenizer's tokenizer.json, with parts replaced by `changes`. */
export function tinyTokenizerJson(changes: { model?: object; postProcessor?: object | null; preTokenizer?: object } = {}): object {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(0, '<s>'), addedToken(1, '</s>')],
    normalizer: null,
    pre_tokenizer: changes.preTokenizer ?? byteLevel,
    post_processor: changes.postProcessor === undefined ? byteLevel : changes.postProcessor,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: TINY_VOCAB,
      merges: TINY_MERGES,
      ...changes.model,
    },
  };
}

/** Writes a model folder's tokenizer files into `dir`: tokenizer.json, and tokenizer_config.json when given. */
export function writeTokenizerFolder(dir: string, tokenizer: object = tinyTokenizerJson(), config?: object): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  if (config !== undefined) writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
  return dir;
}

/** tokenizer_config.json of a LLaMA-style model: `<s>` and `</s>`, BOS added to every text. */
export const LLAMA_STYLE_CONFIG = { bos_token: '<s>', eos_token: '</s>', add_bos_token: true, add_eos_token: false };
