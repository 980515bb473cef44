import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../errors.js';
import { readHfJsonObject } from '../../model/formats/huggingface/hfJsonFile.js';

/** Largest tokenizer.json read: LLaMA-3's is 9 MB, Gemma's (262k tokens) about 33 MB. */
export const MAX_TOKENIZER_JSON_BYTES = 64 * 1024 * 1024;
/** Largest tokenizer_config.json read: its added-token table and chat template stay far below. */
export const MAX_TOKENIZER_CONFIG_BYTES = 16 * 1024 * 1024;
/**
 * Largest vocabulary accepted. Features hold ids as float32, which is exact up to 2^24; the
 * largest vocabularies in use (about 262k tokens) stay far below.
 */
export const MAX_TOKENIZER_VOCAB_SIZE = 2 ** 24;
/** The tokenizer.json `model.type`s that `@huggingface/tokenizers` implements. */
export const SUPPORTED_TOKENIZER_MODELS: readonly string[] = ['BPE', 'WordPiece', 'Unigram'];

/** The settings of tokenizer_config.json that change how texts are encoded and decoded. */
export interface TokenizerSettings {
  /** The file they came from; absent when the folder holds none. */
  readonly path?: string;
  readonly bosToken?: string;
  readonly eosToken?: string;
  readonly padToken?: string;
  readonly unkToken?: string;
  readonly addBosToken?: boolean;
  readonly addEosToken?: boolean;
  readonly cleanUpTokenizationSpaces?: boolean;
}

/** A model folder's tokenizer files, read and checked. */
export interface HfTokenizerFiles {
  /** The path of tokenizer.json, for messages. */
  readonly path: string;
  /** tokenizer.json's content, its model and added tokens checked. */
  readonly json: Readonly<Record<string, unknown>>;
  /** One more than the largest id of its vocabulary and added tokens. */
  readonly vocabSize: number;
  /** The added tokens marked `special`, content → id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly settings: TokenizerSettings;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `tokenizer.json` from a Hugging Face model folder, and `tokenizer_config.json` when the
 * folder holds one, as strictly as config.json (`readHfJsonObject`). Both are read whole only after
 * their size is checked against {@link MAX_TOKENIZER_JSON_BYTES} and {@link MAX_TOKENIZER_CONFIG_BYTES}.
 *
 * @throws CheckpointError naming the file and the fix when tokenizer.json is missing, either file
 *   is not a JSON object in UTF-8 (a key given twice included), the tokenizer's model type is not one of {@link SUPPORTED_TOKENIZER_MODELS},
 *   an id is not an integer in `[0, MAX_TOKENIZER_VOCAB_SIZE)`, or a setting has the wrong type.
 */
export function readHfTokenizerFiles(folder: string): HfTokenizerFiles {
  const path = join(folder, 'tokenizer.json');
  if (!existsSync(path)) {
    throw new CheckpointError(
      `${folder} holds no tokenizer.json; save the model's tokenizer into it (tokenizer.save_pretrained(folder) in transformers).`,
    );
  }
  const json = readHfJsonObject(path, { what: 'a tokenizer (tokenizer.json)', maxBytes: MAX_TOKENIZER_JSON_BYTES });
  const model = json['model'];
  if (!isObject(model)) throw new CheckpointError(`${path} has no "model" object; it is not a Hugging Face tokenizer.json.`);
  const type = model['type'];
  if (typeof type !== 'string' || !SUPPORTED_TOKENIZER_MODELS.includes(type)) {
    throw new CheckpointError(
      `${path}: model.type ${JSON.stringify(type)} is not supported; supported are ${SUPPORTED_TOKENIZER_MODELS.join(', ')} ` +
        '(use a model whose tokenizer is one of these).',
    );
  }
  if (type === 'BPE' && !Array.isArray(model['merges'])) {
    throw new CheckpointError(`${path}: the BPE model has no "merges" list; save the tokenizer again with a current tokenizers library.`);
  }
  const addedTokens = json['added_tokens'] ?? [];
  if (!Array.isArray(addedTokens)) throw new CheckpointError(`${path}: "added_tokens" is not a list; it is not a Hugging Face tokenizer.json.`);
  const checkId = (id: unknown, what: string): number => {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= MAX_TOKENIZER_VOCAB_SIZE) {
      throw new CheckpointError(
        `${path}: ${what} has id ${JSON.stringify(id)}, not an integer in [0, ${MAX_TOKENIZER_VOCAB_SIZE}); the file is damaged.`,
      );
    }
    return id as number;
  };
  let largestId = largestVocabId(model, type, path, checkId);
  const specialTokens = new Map<string, number>();
  for (const token of addedTokens as unknown[]) {
    if (!isObject(token) || typeof token['content'] !== 'string') {
      throw new CheckpointError(`${path}: an added token is not an object with a "content" string; the file is damaged.`);
    }
    const id = checkId(token['id'], `added token ${JSON.stringify(token['content'])}`);
    largestId = Math.max(largestId, id);
    if (token['special'] === true) specialTokens.set(token['content'], id);
  }
  // The library reads `added_tokens` unconditionally; files written without any still load.
  return {
    path,
    json: { ...json, added_tokens: addedTokens },
    vocabSize: largestId + 1,
    specialTokens,
    settings: readTokenizerSettings(folder),
  };
}

function largestVocabId(model: Json, type: string, path: string, checkId: (id: unknown, what: string) => number): number {
  const vocab = model['vocab'];
  if (type === 'Unigram') {
    // A Unigram vocabulary is a list of [piece, score]: ids are positions.
    if (!Array.isArray(vocab) || vocab.length === 0) {
      throw new CheckpointError(`${path}: the Unigram model's "vocab" is not a non-empty list of [piece, score] pairs; the file is damaged.`);
    }
    checkId(vocab.length - 1, 'the last vocabulary entry');
    return vocab.length - 1;
  }
  if (!isObject(vocab)) throw new CheckpointError(`${path}: the ${type} model's "vocab" is not an object of token → id; the file is damaged.`);
  let largest = -1;
  for (const [token, id] of Object.entries(vocab)) largest = Math.max(largest, checkId(id, `token ${JSON.stringify(token)}`));
  if (largest < 0) throw new CheckpointError(`${path}: the ${type} model's vocabulary is empty; the file is damaged.`);
  return largest;
}

function readTokenizerSettings(folder: string): TokenizerSettings {
  const path = join(folder, 'tokenizer_config.json');
  if (!existsSync(path)) return {};
  const json = readHfJsonObject(path, { what: 'tokenizer settings (tokenizer_config.json)', maxBytes: MAX_TOKENIZER_CONFIG_BYTES });
  const token = (field: string): string | undefined => {
    const value = json[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    // Older files store special tokens as serialised AddedToken objects.
    if (isObject(value) && typeof value['content'] === 'string') return value['content'];
    throw new CheckpointError(`${path}: "${field}" is ${JSON.stringify(value)}, not a token string; write the token itself, e.g. "</s>".`);
  };
  const flag = (field: string): boolean | undefined => {
    const value = json[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    throw new CheckpointError(`${path}: "${field}" is ${JSON.stringify(value)}, not true or false; set it to true or false.`);
  };
  return {
    path,
    bosToken: token('bos_token'),
    eosToken: token('eos_token'),
    padToken: token('pad_token'),
    unkToken: token('unk_token'),
    addBosToken: flag('add_bos_token'),
    addEosToken: flag('add_eos_token'),
    cleanUpTokenizationSpaces: flag('clean_up_tokenization_spaces'),
  };
}
