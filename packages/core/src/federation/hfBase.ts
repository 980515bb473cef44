import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { TextTokenizer } from '../data/files/textTokenizer.js';
import { CheckpointError, ConfigError } from '../errors.js';
import type { CausalLanguageModel } from '../model/architectures/huggingface/hfArchitecture.js';
import { HF_CONFIG_FILE } from '../model/formats/huggingface/loadHfModel.js';
import { loadHfLanguageModel } from '../model/scoring/hfLanguageModel.js';

/**
 * Tokens per example when `model.contextLength` is absent (or the model's maximum, when shorter):
 * long enough for a paragraph, short enough that a CPU trains a small model on it in minutes.
 */
export const DEFAULT_HF_CONTEXT_LENGTH = 128;

/**
 * The Hugging Face model folder `model.base` names, resolved against the experiment's folder;
 * `undefined` when it names a base file (or `embedded`, or nothing that exists: the base file's
 * loader explains that).
 * @throws CheckpointError for a folder without config.json, saying what a model folder holds.
 */
export function hfModelFolder(base: string, experimentDir: string): string | undefined {
  if (base === 'embedded') return undefined;
  const path = isAbsolute(base) ? base : resolve(experimentDir, base);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true) return undefined;
  if (statSync(join(path, HF_CONFIG_FILE), { throwIfNoEntry: false })?.isFile() !== true) {
    throw new CheckpointError(
      `model.base ${path} is a folder without ${HF_CONFIG_FILE}; a Hugging Face model folder holds ${HF_CONFIG_FILE}, ` +
        'the weights (model.safetensors, or shards listed in model.safetensors.index.json) and tokenizer.json, as ' +
        'save_pretrained writes them: give such a folder, or a fedtune base file (.safetensors).',
    );
  }
  return path;
}

/** A Hugging Face base loaded for a run: the model, its tokenizer, and what adapters default to on it. */
export interface HfBase {
  model: CausalLanguageModel;
  tokenizer: TextTokenizer;
  /** Tokens per example: `model.contextLength` of the experiment, or its default. */
  contextLength: number;
  /** The family's PEFT default `target_modules`. */
  defaultTargetModules: readonly string[];
  /** What the load did that the user should know (see `loadHfModel`). */
  notes: readonly string[];
}

/**
 * Loads the model in `folder` at `requestedContextLength` tokens (default
 * {@link DEFAULT_HF_CONTEXT_LENGTH}, or the model's maximum when shorter), and its tokenizer,
 * checked against the model's `vocab_size` and taking BOS and EOS from config.json where the
 * tokenizer files name none (GPT-2's).
 * @throws ConfigError for a context length above the model's maximum; CheckpointError as
 *   `loadHfModel` and `loadHfTokenizer` do.
 */
export async function loadHfBase(folder: string, requestedContextLength: number | undefined): Promise<HfBase> {
  const { model, tokenizer, architecture, notes } = await loadHfLanguageModel(folder, {
    contextLength: (maximum, configPath) => runContextLength(requestedContextLength, maximum, configPath),
  });
  return { model, tokenizer, contextLength: model.contextLength, defaultTargetModules: architecture.defaultTargetModules, notes };
}

/** `model.contextLength` of the experiment, or its default, checked against the model's `maximum`. */
function runContextLength(requested: number | undefined, maximum: number, configPath: string): number {
  const fallback = Math.min(DEFAULT_HF_CONTEXT_LENGTH, maximum);
  if (requested !== undefined && requested > maximum) {
    throw new ConfigError(
      `model.contextLength ${requested} is above ${maximum}, the longest sequence ${configPath} allows; ` +
        `set model.contextLength at most ${maximum}, or leave it out for ${fallback}.`,
    );
  }
  return requested ?? fallback;
}
