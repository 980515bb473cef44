import { HfConfigReader } from '../huggingface/hfConfigReader.js';

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

const DEFAULT_RMS_NORM_EPS = 1e-6;
const DEFAULT_ROPE_THETA = 10000;
/** The MLP's activation, the only one fedtune's LLaMA computes. */
const SUPPORTED_ACTIVATIONS = ['silu'] as const;
/** The rope type Hugging Face names plain, unscaled rotary positions. */
const UNSCALED_ROPE_TYPE = 'default';

const UNSCALED_ONLY = 'only unscaled rotary positions are supported (null, or rope_type "default")';

/**
 * The rotary base. Before transformers 5, config.json holds `rope_theta` and, for scaled variants,
 * `rope_scaling`; from 5 on it holds both in `rope_parameters`. Scaled rotary positions (linear,
 * dynamic, yarn, llama3…) change the angles, so they are refused rather than silently ignored.
 */
function ropeTheta(reader: HfConfigReader): number {
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

/**
 * The {@link LlamaConfig} of a `LlamaForCausalLM` config.json (`source` names the file in errors).
 * Optional fields take Hugging Face's `LlamaConfig` defaults.
 * @throws CheckpointError naming the file, the field, the value and what is supported, for a
 * missing, ill-typed or unsupported field.
 */
export function parseLlamaConfig(json: Readonly<Record<string, unknown>>, source: string): LlamaConfig {
  const reader = new HfConfigReader(json, source, 'LLaMA');
  const hiddenSize = reader.positiveInteger('hidden_size');
  const heads = reader.positiveInteger('num_attention_heads');
  const kvHeads = reader.positiveInteger('num_key_value_heads', { value: heads, text: 'num_attention_heads' });
  if (heads % kvHeads !== 0) {
    reader.refuse('num_key_value_heads', `it must divide num_attention_heads (${heads}), each key/value head serving as many query heads`);
  }
  if (reader.optional('head_dim') === undefined && hiddenSize % heads !== 0) {
    reader.refuse('hidden_size', `without head_dim it must be a multiple of num_attention_heads (${heads})`);
  }
  const headDim = reader.positiveInteger('head_dim', { value: hiddenSize / heads, text: 'hidden_size / num_attention_heads' });
  if (headDim % 2 !== 0) {
    const field = reader.optional('head_dim') === undefined ? 'hidden_size' : 'head_dim';
    reader.refuse(field, `the head width ${headDim} must be even, as rotary positions turn pairs of features`);
  }
  reader.oneOf('hidden_act', SUPPORTED_ACTIVATIONS, 'silu');
  return {
    vocabSize: reader.positiveInteger('vocab_size'),
    hiddenSize,
    intermediateSize: reader.positiveInteger('intermediate_size'),
    layers: reader.layerCount('num_hidden_layers'),
    heads,
    kvHeads,
    headDim,
    rmsNormEps: reader.positiveNumber('rms_norm_eps', DEFAULT_RMS_NORM_EPS),
    ropeTheta: ropeTheta(reader),
    maxPositions: reader.positiveInteger('max_position_embeddings'),
    tieWordEmbeddings: reader.boolean('tie_word_embeddings', false),
    attentionBias: reader.boolean('attention_bias', false),
    mlpBias: reader.boolean('mlp_bias', false),
  };
}
