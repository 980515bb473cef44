import type { LinearModuleInfo } from '../../../contracts/adapter.js';
import type { ExpectedTensor } from '../huggingface/hfArchitecture.js';
import type { Gpt2Config } from './gpt2Config.js';

/** The prefix `GPT2LMHeadModel` puts before its `GPT2Model`'s tensors; `GPT2Model` checkpoints lack it. */
const BODY_PREFIX = 'transformer.';

/** The LM head's weight, `[vocab, n_embd]` (an `nn.Linear`, so already `[out, in]`). */
export const GPT2_HEAD_WEIGHT = 'lm_head.weight';
/** The token embedding, `[vocab, n_embd]`. */
export const GPT2_TOKEN_EMBEDDING = `${BODY_PREFIX}wte.weight`;
/** The learned positions, `[n_positions, n_embd]`. */
export const GPT2_POSITION_EMBEDDING = `${BODY_PREFIX}wpe.weight`;
/** The final layer norm's prefix. */
export const GPT2_FINAL_NORM = `${BODY_PREFIX}ln_f`;

const LAYER_INDEX = '(?:0|[1-9][0-9]*)';
/** `GPT2Model` tensor names (after the prefix) a `GPT2LMHeadModel` checkpoint holds. */
const BODY_TENSOR = new RegExp(
  `^(?:wte\\.weight|wpe\\.weight|ln_f\\.(?:weight|bias)|h\\.${LAYER_INDEX}\\.(?:ln_1|ln_2|attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.(?:weight|bias))$`
);
/** The causal-mask buffers older checkpoints saved with each block; the forward builds its own mask. */
const MASK_BUFFER = new RegExp(`^h\\.${LAYER_INDEX}\\.attn\\.(?:bias|masked_bias)$`);

/**
 * A checkpoint tensor's name as `GPT2LMHeadModel.state_dict()` names it: `GPT2Model` names (the
 * original `gpt2` checkpoint's `h.0.attn.c_attn.weight`, `wte.weight`) gain the `transformer.`
 * prefix. `null` for the causal-mask buffers `h.N.attn.bias` and `h.N.attn.masked_bias`, with or
 * without the prefix; `undefined` for any other name.
 */
export function canonicalGpt2TensorName(name: string): string | null | undefined {
  if (name === GPT2_HEAD_WEIGHT) return name;
  const body = name.startsWith(BODY_PREFIX) ? name.slice(BODY_PREFIX.length) : name;
  if (MASK_BUFFER.test(body)) return null;
  return BODY_TENSOR.test(body) ? `${BODY_PREFIX}${body}` : undefined;
}

/** Block `i`'s prefix in canonical tensor and module names. */
export function gpt2Block(i: number): string {
  return `${BODY_PREFIX}h.${i}`;
}

/** The linear modules of one block, by their module paths. */
export interface Gpt2BlockModules {
  /** `attn.c_attn`: queries, keys and values, `[n_embd] → [3·n_embd]`. */
  readonly qkv: LinearModuleInfo;
  /** `attn.c_proj`: the heads' output into the residual stream. */
  readonly attentionOut: LinearModuleInfo;
  /** `mlp.c_fc`: into the MLP, `[n_embd] → [n_inner]`. */
  readonly mlpIn: LinearModuleInfo;
  /** `mlp.c_proj`: out of the MLP, `[n_inner] → [n_embd]`. */
  readonly mlpOut: LinearModuleInfo;
}

function linear(name: string, inFeatures: number, outFeatures: number): LinearModuleInfo {
  return { name, inFeatures, outFeatures, isHead: false };
}

/** Each block's linear modules, named by module path (`transformer.h.0.attn.c_attn`, …). */
export function gpt2BlockModules(config: Gpt2Config): Gpt2BlockModules[] {
  const { hiddenSize: d, innerSize } = config;
  return Array.from({ length: config.layers }, (_, i) => ({
    qkv: linear(`${gpt2Block(i)}.attn.c_attn`, d, 3 * d),
    attentionOut: linear(`${gpt2Block(i)}.attn.c_proj`, d, d),
    mlpIn: linear(`${gpt2Block(i)}.mlp.c_fc`, d, innerSize),
    mlpOut: linear(`${gpt2Block(i)}.mlp.c_proj`, innerSize, d),
  }));
}

/** The LM head module, `lm_head` (no bias). */
export function gpt2HeadModule(config: Gpt2Config): LinearModuleInfo {
  return { name: 'lm_head', inFeatures: config.hiddenSize, outFeatures: config.vocabSize, isHead: true };
}

/** The layer norms' prefixes: per block `ln_1`, `ln_2`, then `ln_f`. */
export function gpt2NormNames(config: Gpt2Config): string[] {
  const blocks = Array.from({ length: config.layers }, (_, i) => [`${gpt2Block(i)}.ln_1`, `${gpt2Block(i)}.ln_2`]);
  return [...blocks.flat(), GPT2_FINAL_NORM];
}

/**
 * Every canonical tensor of a checkpoint with `config`, shaped as stored. The block projections are
 * Hugging Face `Conv1D`s, whose weights are stored `[in, out]`; `lm_head.weight` is optional when
 * the embeddings are tied.
 */
export function gpt2ExpectedTensors(config: Gpt2Config): Map<string, ExpectedTensor> {
  const d = config.hiddenSize;
  const expected = new Map<string, ExpectedTensor>([
    [GPT2_TOKEN_EMBEDDING, { shape: [config.vocabSize, d] }],
    [GPT2_POSITION_EMBEDDING, { shape: [config.positions, d] }],
  ]);
  for (const block of gpt2BlockModules(config)) {
    for (const module of [block.qkv, block.attentionOut, block.mlpIn, block.mlpOut]) {
      expected.set(`${module.name}.weight`, { shape: [module.inFeatures, module.outFeatures] });
      expected.set(`${module.name}.bias`, { shape: [module.outFeatures] });
    }
  }
  for (const norm of gpt2NormNames(config)) {
    expected.set(`${norm}.weight`, { shape: [d] }).set(`${norm}.bias`, { shape: [d] });
  }
  expected.set(GPT2_HEAD_WEIGHT, { shape: [config.vocabSize, d], optional: config.tieWordEmbeddings });
  return expected;
}
