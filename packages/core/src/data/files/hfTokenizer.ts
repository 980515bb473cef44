import { Tokenizer } from '@huggingface/tokenizers';
import { CheckpointError, ConfigError, DataError } from '../../errors.js';
import { HF_PAD_ID } from '../../model/architectures/huggingface/hfArchitecture.js';
import { readHfTokenizerFiles, type HfTokenizerFiles, type TokenizerSettings } from './hfTokenizerFiles.js';
import type { TextTokenizer } from './textTokenizer.js';

/** What {@link loadHfTokenizer} checks the tokenizer against, from the model's config.json. */
export interface HfTokenizerOptions {
  /** The model's `vocab_size`: every id the tokenizer produces must lie below it. */
  vocabSize?: number;
  /** The model's `bos_token_id`, used when tokenizer_config.json names no `bos_token`. */
  bosTokenId?: number;
  /** The model's `eos_token_id`, used when tokenizer_config.json names no `eos_token` (GPT-2's names none). */
  eosTokenId?: number;
}

/**
 * The tokenizer of a Hugging Face model folder: `tokenizer.json`, with `tokenizer_config.json`
 * when present, encoded and decoded by `@huggingface/tokenizers`.
 *
 * Special tokens follow the files as transformers does: tokenizer.json's post-processor adds its
 * tokens (LLaMA-3's `<|begin_of_text|>`), and when tokenizer_config.json sets `add_bos_token` or
 * `add_eos_token` that flag decides whether BOS or EOS is added (as transformers' LLaMA tokenizer
 * rebuilds its post-processor from them). Decoding drops special tokens and cleans up spaces
 * before punctuation only when `clean_up_tokenization_spaces` is true. A character the vocabulary
 * cannot spell, in a tokenizer with no unknown token, is left out, as the Rust library does.
 *
 * @throws CheckpointError naming the file and the fix (see {@link readHfTokenizerFiles}), also when
 *   a component is one the library does not implement, a named special token is not in the
 *   vocabulary, or an id reaches `options.vocabSize`.
 */
export function loadHfTokenizer(folder: string, options: HfTokenizerOptions = {}): TextTokenizer {
  const files = readHfTokenizerFiles(folder);
  const { settings } = files;
  let library: Tokenizer;
  try {
    library = new Tokenizer(files.json, {
      bos_token: settings.bosToken,
      eos_token: settings.eosToken,
      pad_token: settings.padToken,
      unk_token: settings.unkToken,
      // transformers' default is not to clean up; a file that wants it says so.
      clean_up_tokenization_spaces: settings.cleanUpTokenizationSpaces ?? false,
    });
  } catch (error) {
    throw new CheckpointError(
      `${files.path} cannot be loaded by @huggingface/tokenizers (${(error as Error).message}); ` +
        'the tokenizer uses a component the library does not implement — use a model with a BPE, WordPiece or Unigram tokenizer.',
      { cause: error },
    );
  }
  if (options.vocabSize !== undefined) checkAgainstModel(files, library, options.vocabSize);
  const bosTokenId = specialId(files, library, 'bos_token', settings.bosToken, options.bosTokenId);
  const eosTokenId = specialId(files, library, 'eos_token', settings.eosToken, options.eosTokenId);
  // Features pad with HF_PAD_ID, so a pad token is only needed to leave it out of decoded text;
  // one the vocabulary lacks (transformers would add it) is ignored rather than refused.
  const padTokenId = settings.padToken === undefined ? undefined : library.token_to_id(settings.padToken);
  if (settings.addBosToken === true && bosTokenId === undefined) {
    throw new CheckpointError(`${settings.path}: "add_bos_token" is true but no "bos_token" is named; name it (e.g. "<s>") or set add_bos_token to false.`);
  }
  if (settings.addEosToken === true && eosTokenId === undefined) {
    throw new CheckpointError(`${settings.path}: "add_eos_token" is true but no "eos_token" is named; name it (e.g. "</s>") or set add_eos_token to false.`);
  }
  const special = new Set(files.specialTokens.values());
  for (const id of [bosTokenId, eosTokenId, padTokenId]) if (id !== undefined) special.add(id);
  return new HfTokenizer(library, files.path, files.vocabSize, bosTokenId, eosTokenId, special, settings);
}

function checkAgainstModel(files: HfTokenizerFiles, library: Tokenizer, vocabSize: number): void {
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) {
    throw new ConfigError(`vocabulary size ${vocabSize} is not a positive integer; give the model's config.json vocab_size.`);
  }
  if (files.vocabSize > vocabSize) {
    const id = files.vocabSize - 1;
    throw new CheckpointError(
      `${files.path}: token ${JSON.stringify(library.id_to_token(id))} has id ${id}, not below the model's vocab_size ${vocabSize}; ` +
        'the tokenizer does not belong to this model — use the tokenizer saved with it.',
    );
  }
}

/** The id of a special token named in tokenizer_config.json, else the model's fallback id. */
function specialId(
  files: HfTokenizerFiles,
  library: Tokenizer,
  field: string,
  token: string | undefined,
  fallback: number | undefined,
): number | undefined {
  if (token !== undefined) {
    const id = library.token_to_id(token);
    if (id === undefined) {
      throw new CheckpointError(
        `${files.settings.path}: "${field}" is ${JSON.stringify(token)}, which ${files.path} does not hold; name a token of the vocabulary.`,
      );
    }
    return id;
  }
  if (fallback === undefined) return undefined;
  if (!Number.isSafeInteger(fallback) || fallback < 0 || fallback >= files.vocabSize) {
    throw new CheckpointError(
      `${field}_id ${fallback} is not an id of ${files.path} (ids 0 to ${files.vocabSize - 1}); check the model's config.json.`,
    );
  }
  return fallback;
}

/** {@link TextTokenizer} over the library's `Tokenizer`. */
class HfTokenizer implements TextTokenizer {
  /** Whether tokenizer.json's post-processor adds BOS in front of / EOS after a text. */
  private readonly postProcessorAddsBos: boolean;
  private readonly postProcessorAddsEos: boolean;

  constructor(
    private readonly library: Tokenizer,
    private readonly path: string,
    readonly vocabSize: number,
    readonly bosTokenId: number | undefined,
    readonly eosTokenId: number | undefined,
    readonly specialTokenIds: ReadonlySet<number>,
    private readonly settings: TokenizerSettings,
  ) {
    // An empty text encodes to the post-processor's tokens alone. When BOS and EOS are one token
    // and it appears once, it is taken for BOS.
    const added: number[] = library.encode('').ids;
    this.postProcessorAddsBos = bosTokenId !== undefined && added[0] === bosTokenId;
    this.postProcessorAddsEos =
      eosTokenId !== undefined && added.at(-1) === eosTokenId && (added.length > 1 || !this.postProcessorAddsBos);
  }

  encode(text: string): Int32Array {
    const ids: number[] = this.library.encode(text).ids;
    const { addBosToken, addEosToken } = this.settings;
    if (addBosToken === true && !this.postProcessorAddsBos) ids.unshift(this.bosTokenId as number);
    if (addBosToken === false && this.postProcessorAddsBos) ids.shift();
    if (addEosToken === true && !this.postProcessorAddsEos) ids.push(this.eosTokenId as number);
    if (addEosToken === false && this.postProcessorAddsEos) ids.pop();
    const encoded = new Int32Array(ids.length);
    ids.forEach((id, i) => {
      // Only a post-processor template naming a token the vocabulary lacks yields no id.
      if (!Number.isInteger(id)) {
        throw new CheckpointError(`${this.path}: the post-processor adds a token the vocabulary does not hold; save the tokenizer again.`);
      }
      encoded[i] = id;
    });
    return encoded;
  }

  decode(ids: ArrayLike<number>): string {
    const kept: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id === HF_PAD_ID || this.specialTokenIds.has(id)) continue;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.library.id_to_token(id) === undefined) {
        throw new DataError(
          `token id ${id} (position ${i}) is not in the vocabulary of ${this.path} (${this.vocabSize} ids); decode ids this tokenizer produced.`,
        );
      }
      kept.push(id);
    }
    return kept.length === 0 ? '' : this.library.decode(kept);
  }
}
