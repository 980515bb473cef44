import { CheckpointError } from '../../../errors.js';

/** The settings of a `LlamaForCausalLM` that fedtune reads from its config.json. */
export interface LlamaConfig {
  /** `vocab_size`: rows of `embed_tokens` and outputs of `lm_head`. */
  readonly vocabSize: number;
  /** `hidden_size`: width of the residual stream. */
  readonly hiddenSize: number;
  /** `intermediate_size`: width of the gated MLP. */
  readonly intermediateSize: number;
  /** `num_hidden_layers`. */
  readonly layers: number;
  /** `num_attention_heads`: query heads. */
  readonly heads: number;
  /** `num_key_value_heads`: key/value heads, each shared by `heads / kvHeads` query heads. */
  readonly kvHeads: number;
  /** `head_dim`: width of each head (even, as rotary positions turn pairs of features). */
  readonly headDim: number;
  /** `rms_norm_eps`. */
  readonly rmsNormEps: number;
  /** `rope_theta`: base of the rotary frequencies. */
  readonly ropeTheta: number;
  /** `max_position_embeddings`: the longest sequence the model was trained for. */
  readonly maxPositions: number;
  /** `tie_word_embeddings`: `lm_head` reuses `embed_tokens`. */
  readonly tieWordEmbeddings: boolean;
  /** `attention_bias`: q/k/v/o projections carry biases. */
  readonly attentionBias: boolean;
  /** `mlp_bias`: gate/up/down projections carry biases. */
  readonly mlpBias: boolean;
}

/**
 * The most layers a config.json may declare. The tensor list is made from the config before any
 * weight is checked, so a corrupt count must not size it; released LLaMA models have at most 126.
 */
export const MAX_LLAMA_LAYERS = 1024;

const DEFAULT_RMS_NORM_EPS = 1e-6;
const DEFAULT_ROPE_THETA = 10000;
/** The rope type Hugging Face names plain, unscaled rotary positions. */
const UNSCALED_ROPE_TYPE = 'default';

type Json = Readonly<Record<string, unknown>>;

/** Reads the fields of one config.json, each refusal naming the file, the field, the value and what is supported. */
class ConfigReader {
  /** `prefix` names the object read when it is nested (`rope_parameters.`). */
  constructor(
    private readonly json: Json,
    private readonly source: string,
    private readonly prefix = ''
  ) {}

  refuse(field: string, supported: string): never {
    const value = this.json[field];
    const found = value === undefined ? 'absent' : JSON.stringify(value);
    throw new CheckpointError(`${this.source}: "${this.prefix}${field}" is ${found}; ${supported}.`);
  }

  /** A field's value, `undefined` when absent or null (Hugging Face writes `None` for "use the default"). */
  optional(field: string): unknown {
    const value = this.json[field];
    return value === null ? undefined : value;
  }

  positiveInteger(field: string, fallback?: number): number {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      this.refuse(field, 'it must be a positive integer');
    }
    return value;
  }

  positiveNumber(field: string, fallback: number): number {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.refuse(field, 'it must be a positive number');
    }
    return value;
  }

  boolean(field: string): boolean {
    const value = this.optional(field) ?? false;
    if (typeof value !== 'boolean') this.refuse(field, 'it must be true or false');
    return value;
  }

  /** A nested object field, `undefined` when absent or null. */
  object(field: string, supported: string): ConfigReader | undefined {
    const value = this.optional(field);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.refuse(field, `it must be an object or null; ${supported}`);
    return new ConfigReader(value as Json, this.source, `${this.prefix}${field}.`);
  }
}

const UNSCALED_ONLY = 'only unscaled rotary positions are supported (null, or rope_type "default")';

/**
 * The rotary base. Before transformers 5, config.json holds `rope_theta` and, for scaled variants,
 * `rope_scaling`; from 5 on it holds both in `rope_parameters`. Scaled rotary positions (linear,
 * dynamic, yarn, llama3…) change the angles, so they are refused rather than silently ignored.
 */
function ropeTheta(reader: ConfigReader): number {
  let theta = reader.positiveNumber('rope_theta', DEFAULT_ROPE_THETA);
  for (const field of ['rope_scaling', 'rope_parameters']) {
    const settings = reader.object(field, UNSCALED_ONLY);
    if (settings === undefined) continue;
    const type = settings.optional('rope_type') ?? settings.optional('type');
    if (type !== UNSCALED_ROPE_TYPE) {
      const named = type === undefined ? 'names no rope_type' : `has rope_type ${JSON.stringify(type)}`;
      reader.refuse(field, `it ${named}, but ${UNSCALED_ONLY}`);
    }
    if (settings.optional('rope_theta') !== undefined) theta = settings.positiveNumber('rope_theta', DEFAULT_ROPE_THETA);
  }
  return theta;
}

function numberOfLayers(reader: ConfigReader): number {
  const layers = reader.positiveInteger('num_hidden_layers');
  if (layers > MAX_LLAMA_LAYERS) reader.refuse('num_hidden_layers', `fedtune loads at most ${MAX_LLAMA_LAYERS} layers`);
  return layers;
}

/**
 * The {@link LlamaConfig} of a `LlamaForCausalLM` config.json (`source` names the file in errors).
 * Optional fields take Hugging Face's `LlamaConfig` defaults.
 * @throws CheckpointError naming the file, the field, the value and what is supported, for a
 * missing, ill-typed or unsupported field.
 */
export function parseLlamaConfig(json: Json, source: string): LlamaConfig {
  const reader = new ConfigReader(json, source);
  const hiddenSize = reader.positiveInteger('hidden_size');
  const heads = reader.positiveInteger('num_attention_heads');
  const kvHeads = reader.positiveInteger('num_key_value_heads', heads);
  if (heads % kvHeads !== 0) {
    reader.refuse('num_key_value_heads', `it must divide num_attention_heads (${heads}), each key/value head serving as many query heads`);
  }
  if (reader.optional('head_dim') === undefined && hiddenSize % heads !== 0) {
    reader.refuse('hidden_size', `without head_dim it must be a multiple of num_attention_heads (${heads})`);
  }
  const headDim = reader.positiveInteger('head_dim', hiddenSize / heads);
  if (headDim % 2 !== 0) {
    const field = reader.optional('head_dim') === undefined ? 'hidden_size' : 'head_dim';
    reader.refuse(field, `the head width ${headDim} must be even, as rotary positions turn pairs of features`);
  }
  const activation = reader.optional('hidden_act') ?? 'silu';
  if (activation !== 'silu') reader.refuse('hidden_act', 'only "silu" is supported');
  return {
    vocabSize: reader.positiveInteger('vocab_size'),
    hiddenSize,
    intermediateSize: reader.positiveInteger('intermediate_size'),
    layers: numberOfLayers(reader),
    heads,
    kvHeads,
    headDim,
    rmsNormEps: reader.positiveNumber('rms_norm_eps', DEFAULT_RMS_NORM_EPS),
    ropeTheta: ropeTheta(reader),
    maxPositions: reader.positiveInteger('max_position_embeddings'),
    tieWordEmbeddings: reader.boolean('tie_word_embeddings'),
    attentionBias: reader.boolean('attention_bias'),
    mlpBias: reader.boolean('mlp_bias'),
  };
}
