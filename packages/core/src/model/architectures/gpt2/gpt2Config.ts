import { HfConfigReader } from '../huggingface/hfConfigReader.js';

/**
 * config.json `activation_function` values the GPT-2 forward computes: `gelu_new` and
 * `gelu_pytorch_tanh` are both GELU's tanh approximation, `gelu` is the exact one (with erf).
 */
export const GPT2_ACTIVATIONS = ['gelu_new', 'gelu_pytorch_tanh', 'gelu'] as const;

/** One of {@link GPT2_ACTIVATIONS}. */
export type Gpt2Activation = (typeof GPT2_ACTIVATIONS)[number];

/** The settings of a `GPT2LMHeadModel` that fedtune reads from its config.json. */
export interface Gpt2Config {
  /** `vocab_size`: rows of `wte` and outputs of `lm_head`. */
  readonly vocabSize: number;
  /** `n_positions`: rows of `wpe`, the longest sequence the model takes. */
  readonly positions: number;
  /** `n_embd`: width of the residual stream. */
  readonly hiddenSize: number;
  /** `n_layer`: transformer blocks. */
  readonly layers: number;
  /** `n_head`: attention heads per block, each `hiddenSize / heads` wide. */
  readonly heads: number;
  /** `n_inner`: width of each block's MLP (4·`n_embd` when null or absent). */
  readonly innerSize: number;
  /** `activation_function` of the MLP. */
  readonly activation: Gpt2Activation;
  /** `layer_norm_epsilon` of every layer norm. */
  readonly layerNormEpsilon: number;
  /** `tie_word_embeddings`: `lm_head` reuses `wte`, and checkpoints may leave `lm_head.weight` out. */
  readonly tieWordEmbeddings: boolean;
  /** `scale_attn_weights`: attention scores are divided by √(head width). */
  readonly scaleAttentionWeights: boolean;
}

/** Hugging Face's `GPT2Config` defaults for the optional fields fedtune reads. */
const DEFAULT_ACTIVATION: Gpt2Activation = 'gelu_new';
const DEFAULT_LAYER_NORM_EPSILON = 1e-5;
const INNER_PER_HIDDEN = 4;

/**
 * The settings of a GPT-2 config.json (`source` names the file in errors). Hugging Face's defaults
 * apply to the optional fields; `reorder_and_upcast_attn` is accepted since it only changes the
 * precision of half-precision attention, and fedtune computes in float32.
 * @throws CheckpointError naming the file, the field, the value and what is supported, for a
 *   missing or ill-typed size, more than `MAX_HF_LAYERS` blocks, an unknown activation,
 *   cross-attention, scores scaled by the inverse layer index, or `n_embd` not divisible by `n_head`.
 */
export function parseGpt2Config(json: Readonly<Record<string, unknown>>, source: string): Gpt2Config {
  const read = new HfConfigReader(json, source, 'GPT-2');
  const hiddenSize = read.positiveInteger('n_embd');
  const heads = read.positiveInteger('n_head');
  if (hiddenSize % heads !== 0) {
    read.refuse('n_head', `"n_embd" ${hiddenSize} must be a multiple of it, so every attention head has the same width`);
  }
  read.unsupportedWhenTrue('add_cross_attention', 'a decoder-only model attends to no encoder');
  read.unsupportedWhenTrue('scale_attn_by_inverse_layer_idx', 'attention scores are not divided by the layer index');
  return {
    vocabSize: read.positiveInteger('vocab_size'),
    positions: read.positiveInteger('n_positions'),
    hiddenSize,
    layers: read.layerCount('n_layer'),
    heads,
    innerSize: read.positiveInteger('n_inner', { value: INNER_PER_HIDDEN * hiddenSize, text: `${INNER_PER_HIDDEN}·n_embd` }),
    activation: read.oneOf('activation_function', GPT2_ACTIVATIONS, DEFAULT_ACTIVATION),
    layerNormEpsilon: read.positiveNumber('layer_norm_epsilon', DEFAULT_LAYER_NORM_EPSILON),
    tieWordEmbeddings: read.boolean('tie_word_embeddings', true),
    scaleAttentionWeights: read.boolean('scale_attn_weights', true),
  };
}
