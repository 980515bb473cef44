import { CheckpointError } from '../../../errors.js';

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

type Json = Readonly<Record<string, unknown>>;

/** Reads config.json fields; each refusal names the file, the field, the value found and what is supported. */
class Gpt2ConfigReader {
  constructor(
    private readonly json: Json,
    private readonly source: string
  ) {}

  refuse(field: string, supported: string): never {
    const value = this.json[field];
    const found = value === undefined ? 'absent' : JSON.stringify(value);
    throw new CheckpointError(`${this.source}: "${field}" is ${found}; ${supported}.`);
  }

  /** A field's value, `undefined` when absent or null (Hugging Face writes `None` for "use the default"). */
  private optional(field: string): unknown {
    const value = this.json[field];
    return value === null ? undefined : value;
  }

  /** A required positive integer (the sizes have no default worth guessing: the tensors depend on them). */
  positiveInteger(field: string): number {
    const value = this.optional(field);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      this.refuse(field, 'a GPT-2 config.json needs a positive integer here');
    }
    return value;
  }

  optionalPositiveInteger(field: string, fallback: number, fallbackText: string): number {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      this.refuse(field, `it must be a positive integer, or null for ${fallbackText}`);
    }
    return value;
  }

  positiveNumber(field: string, fallback: number): number {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.refuse(field, `it must be a positive number (default ${fallback})`);
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'boolean') this.refuse(field, `it must be true or false (default ${fallback})`);
    return value;
  }

  activation(field: string): Gpt2Activation {
    const value = this.optional(field) ?? DEFAULT_ACTIVATION;
    if (!GPT2_ACTIVATIONS.includes(value as Gpt2Activation)) {
      this.refuse(field, `fedtune's GPT-2 supports ${GPT2_ACTIVATIONS.join(', ')}`);
    }
    return value as Gpt2Activation;
  }

  /** Refuses a boolean field set to true: a variant the forward does not compute. */
  unsupportedWhenTrue(field: string, why: string): void {
    const value = this.optional(field) ?? false;
    if (value !== false) this.refuse(field, `fedtune's GPT-2 supports only false (${why})`);
  }
}

/**
 * The settings of a GPT-2 config.json (`source` names the file in errors). Hugging Face's defaults
 * apply to the optional fields; `reorder_and_upcast_attn` is accepted since it only changes the
 * precision of half-precision attention, and fedtune computes in float32.
 * @throws CheckpointError naming the file, the field, the value and what is supported, for a
 *   missing or ill-typed size, an unknown activation, cross-attention, scores scaled by the inverse
 *   layer index, or `n_embd` not divisible by `n_head`.
 */
export function parseGpt2Config(json: Json, source: string): Gpt2Config {
  const read = new Gpt2ConfigReader(json, source);
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
    layers: read.positiveInteger('n_layer'),
    heads,
    innerSize: read.optionalPositiveInteger('n_inner', INNER_PER_HIDDEN * hiddenSize, `${INNER_PER_HIDDEN}·n_embd`),
    activation: read.activation('activation_function'),
    layerNormEpsilon: read.positiveNumber('layer_norm_epsilon', DEFAULT_LAYER_NORM_EPSILON),
    tieWordEmbeddings: read.boolean('tie_word_embeddings', true),
    scaleAttentionWeights: read.boolean('scale_attn_weights', true),
  };
}
