import type * as tf from '@tensorflow/tfjs-core';
import type { BaseModel, HostTensor, LinearFunction } from '../baseModel.js';

/**
 * The id that pads token sequences on the right for Hugging Face models. No tokenizer produces a
 * negative id, so a real token (GPT-2's end-of-text, say) is never mistaken for padding; the model
 * embeds padding as token 0, and causal attention keeps it from reaching the positions before it.
 */
export const HF_PAD_ID = -1;

/**
 * A decoder-only language model loaded from a Hugging Face folder. As a {@link BaseModel} its input
 * is `contextLength` token ids (floats, right-padded with {@link HF_PAD_ID}) and `forward` gives
 * the head's outputs at each sequence's last real token; its linear modules carry the module paths
 * of the family's `…ForCausalLM` (`transformer.h.0.attn.c_attn`, `model.layers.0.self_attn.q_proj`),
 * so LoRA targets and PEFT keys use the names Hugging Face users know.
 */
export interface CausalLanguageModel extends BaseModel {
  /** The config.json `model_type`, e.g. `gpt2`. */
  readonly modelType: string;
  /** Largest sequence the model takes (its position table, or the configured maximum); `inputSize`. */
  readonly contextLength: number;
  /** Rows of the token embedding. */
  readonly vocabSize: number;
  /** Width of the residual stream. */
  readonly hiddenSize: number;
  /**
   * The residual stream after the final norm, `[batch·length, hiddenSize]` (example-major), for ids
   * `[batch, length]`, `length ≤ contextLength`. `linear` computes every linear module but the head.
   */
  hiddenStates(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D;
  /** The head at every position, `[batch·length, head outputs]`: next-token logits of the LM head. */
  positionLogits(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D;
}

/** One tensor a checkpoint of a family holds. */
export interface ExpectedTensor {
  readonly shape: readonly number[];
  /** Absent from checkpoints that tie it to another tensor (GPT-2's `lm_head.weight`). */
  readonly optional?: boolean;
}

/**
 * What one model family (GPT-2, LLaMA) tells the Hugging Face loader: which config.json it reads,
 * how its tensors are named and shaped, and how the model is built. Adding a family means one
 * folder under `architectures/` exporting one of these, registered with the loader.
 */
export interface HfArchitecture<Config = unknown> {
  /** config.json `architectures` entries it loads, e.g. `GPT2LMHeadModel`. */
  readonly classNames: readonly string[];
  /** config.json `model_type`, e.g. `gpt2`. */
  readonly modelType: string;
  /** PEFT's default LoRA `target_modules` for this model type (used when an experiment names none). */
  readonly defaultTargetModules: readonly string[];
  /**
   * Whether checkpoints store the linear modules' weights `[in, out]` (transformers' `Conv1D`, as
   * GPT-2's do) rather than `[out, in]`: PEFT's `fan_in_fan_out`, which adapters exported for the
   * family's models declare.
   */
  readonly fanInFanOut: boolean;
  /**
   * The settings the family needs from config.json; a `CheckpointError` naming the file, the field,
   * the value found and what is supported, for a missing, ill-typed or unsupported field.
   */
  parseConfig(json: Readonly<Record<string, unknown>>, source: string): Config;
  /**
   * A checkpoint tensor's name in the family's canonical form (as `…ForCausalLM.state_dict()` names
   * it), `null` for a buffer the loader drops (GPT-2's causal-mask `h.N.attn.bias`), `undefined`
   * for a name the family does not know.
   */
  canonicalTensorName(name: string): string | null | undefined;
  /** Every canonical tensor a checkpoint with `config` holds, with its shape as stored. */
  expectedTensors(config: Config): ReadonlyMap<string, ExpectedTensor>;
  /** The longest sequence the family's `config` allows (GPT-2's `n_positions`, LLaMA's `max_position_embeddings`). */
  maxContextLength(config: Config): number;
  /**
   * Builds the model from tensors already checked against {@link HfArchitecture.expectedTensors}
   * (optional ones possibly absent). Takes ownership of the host arrays: the loader drops them
   * afterwards, so the build may hand them to tf without copying. `contextLength` (at most
   * {@link HfArchitecture.maxContextLength}) becomes the model's `contextLength` and `inputSize`:
   * runs train on shorter windows than a model's maximum.
   */
  build(
    config: Config,
    tensors: ReadonlyMap<string, HostTensor>,
    options: { readonly contextLength: number; readonly metadata: Readonly<Record<string, string>> }
  ): CausalLanguageModel;
}
