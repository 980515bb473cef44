import { loadHfTokenizer } from '../../data/files/hfTokenizer.js';
import type { TextTokenizer } from '../../data/files/textTokenizer.js';
import type { CausalLanguageModel, HfArchitecture } from '../architectures/huggingface/hfArchitecture.js';
import { loadHfModel, type HfLoadOptions } from '../formats/huggingface/loadHfModel.js';

/** A Hugging Face model folder's language model and the tokenizer saved with it. */
export interface HfLanguageModel {
  model: CausalLanguageModel;
  tokenizer: TextTokenizer;
  /** The family that loaded it (its PEFT default targets, say). */
  architecture: HfArchitecture;
  /** config.json's `_name_or_path`, when it names one (the Hub id a folder was saved from). */
  nameOrPath: string | undefined;
  /** What the load did that the user should know (see `loadHfModel`). */
  notes: string[];
}

/** A config.json token id: an integer, or the first of a list (LLaMA-3 lists several EOS ids). */
function configTokenId(value: unknown): number | undefined {
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'number' && Number.isSafeInteger(first) ? first : undefined;
}

/**
 * Loads the model in the Hugging Face folder `folder` (at `options.contextLength` tokens, the
 * family's maximum by default) and its tokenizer from the same folder, checked against the model's
 * `vocab_size`, with config.json's `bos_token_id` and `eos_token_id` where the tokenizer files name
 * no BOS or EOS (GPT-2's name none).
 *
 * @throws CheckpointError and ConfigError as `loadHfModel` and `loadHfTokenizer` do.
 */
export async function loadHfLanguageModel(folder: string, options: HfLoadOptions = {}): Promise<HfLanguageModel> {
  const { model, notes, architecture, configJson: json } = await loadHfModel(folder, options);
  try {
    const tokenizer = loadHfTokenizer(folder, {
      vocabSize: model.vocabSize,
      bosTokenId: configTokenId(json['bos_token_id']),
      eosTokenId: configTokenId(json['eos_token_id']),
    });
    const nameOrPath = json['_name_or_path'];
    return { model, tokenizer, architecture, nameOrPath: typeof nameOrPath === 'string' && nameOrPath !== '' ? nameOrPath : undefined, notes };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
