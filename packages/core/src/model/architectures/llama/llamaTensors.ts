/**
 * The names and shapes of a `LlamaForCausalLM` checkpoint, as its `state_dict()` names them, and
 * its linear modules by module path.
 */
import type { LinearModuleInfo } from '../../../contracts/adapter.js';
import type { ExpectedTensor } from '../huggingface/hfArchitecture.js';
import type { LlamaConfig } from './llamaConfig.js';

/** The output projection, the model's head (tied to the embedding or not). */
export const LLAMA_HEAD = 'lm_head';
/** The token embedding `[vocab, hidden]`. */
export const LLAMA_EMBEDDING = 'model.embed_tokens.weight';
/** The RMSNorm weight after the last layer. */
export const LLAMA_FINAL_NORM = 'model.norm.weight';

/** Layer `i`'s module path. */
export function llamaLayer(i: number): string {
  return `model.layers.${i}`;
}

/** The per-layer linear modules, in forward order. */
const ATTENTION_PROJECTIONS = ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const;
const MLP_PROJECTIONS = ['gate_proj', 'up_proj', 'down_proj'] as const;

/**
 * The linear modules in forward order: per layer `model.layers.<i>.self_attn.{q,k,v,o}_proj` and
 * `model.layers.<i>.mlp.{gate,up,down}_proj`, then `lm_head` (the head).
 */
export function llamaModules(config: LlamaConfig): LinearModuleInfo[] {
  const { hiddenSize: hidden, intermediateSize: intermediate, headDim } = config;
  const queryWidth = config.heads * headDim;
  const keyValueWidth = config.kvHeads * headDim;
  const sizes: Readonly<Record<string, readonly [number, number]>> = {
    q_proj: [hidden, queryWidth],
    k_proj: [hidden, keyValueWidth],
    v_proj: [hidden, keyValueWidth],
    o_proj: [queryWidth, hidden],
    gate_proj: [hidden, intermediate],
    up_proj: [hidden, intermediate],
    down_proj: [intermediate, hidden],
  };
  const modules: LinearModuleInfo[] = [];
  for (let i = 0; i < config.layers; i++) {
    const groups = [
      ['self_attn', ATTENTION_PROJECTIONS],
      ['mlp', MLP_PROJECTIONS],
    ] as const;
    for (const [group, projections] of groups) {
      for (const projection of projections) {
        const [inFeatures, outFeatures] = sizes[projection] as readonly [number, number];
        modules.push({ name: `${llamaLayer(i)}.${group}.${projection}`, inFeatures, outFeatures, isHead: false });
      }
    }
  }
  modules.push({ name: LLAMA_HEAD, inFeatures: hidden, outFeatures: config.vocabSize, isHead: true });
  return modules;
}

/** Whether module `name` carries a bias under `config` (`lm_head` never does). */
export function llamaModuleHasBias(config: LlamaConfig, name: string): boolean {
  if (name.includes('.self_attn.')) return config.attentionBias;
  if (name.includes('.mlp.')) return config.mlpBias;
  return false;
}

/** The RMSNorm weights of layer `i`, before attention and before the MLP. */
export function llamaLayerNorms(i: number): [string, string] {
  return [`${llamaLayer(i)}.input_layernorm.weight`, `${llamaLayer(i)}.post_attention_layernorm.weight`];
}

/** Every tensor outside the linear modules: the embedding, the per-layer norms, the final norm. */
export function llamaOtherTensors(config: LlamaConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>([[LLAMA_EMBEDDING, [config.vocabSize, config.hiddenSize]]]);
  for (let i = 0; i < config.layers; i++) {
    for (const norm of llamaLayerNorms(i)) shapes.set(norm, [config.hiddenSize]);
  }
  return shapes.set(LLAMA_FINAL_NORM, [config.hiddenSize]);
}

/**
 * Every canonical tensor of a checkpoint with `config`, with its stored shape: the embedding,
 * norms, each linear module's `weight` `[out, in]` (and `bias` `[out]` where the config has them),
 * `lm_head.weight` optional when the embeddings are tied.
 */
export function llamaExpectedTensors(config: LlamaConfig): Map<string, ExpectedTensor> {
  const expected = new Map<string, ExpectedTensor>();
  for (const [name, shape] of llamaOtherTensors(config)) expected.set(name, { shape });
  for (const module of llamaModules(config)) {
    const weight: ExpectedTensor = { shape: [module.outFeatures, module.inFeatures] };
    expected.set(`${module.name}.weight`, module.isHead && config.tieWordEmbeddings ? { ...weight, optional: true } : weight);
    if (llamaModuleHasBias(config, module.name)) expected.set(`${module.name}.bias`, { shape: [module.outFeatures] });
  }
  return expected;
}

const escapeDots = (text: string) => text.replaceAll('.', '\\.');
const LAYER_TENSOR_SUFFIXES = [
  'input_layernorm.weight',
  'post_attention_layernorm.weight',
  ...ATTENTION_PROJECTIONS.flatMap((p) => [`self_attn.${p}.weight`, `self_attn.${p}.bias`]),
  ...MLP_PROJECTIONS.flatMap((p) => [`mlp.${p}.weight`, `mlp.${p}.bias`]),
];
const LAYER_TENSOR = new RegExp(String.raw`^model\.layers\.(0|[1-9]\d*)\.(${LAYER_TENSOR_SUFFIXES.map(escapeDots).join('|')})$`);
/** The rotary frequencies older checkpoints stored as a buffer; they follow from the config, so the loader drops them. */
const ROTARY_BUFFER = /^model\.layers\.(0|[1-9]\d*)\.self_attn\.rotary_emb\.inv_freq$/;
const OTHER_NAMES = new Set([LLAMA_EMBEDDING, LLAMA_FINAL_NORM, `${LLAMA_HEAD}.weight`]);

/**
 * `name` itself when it is a canonical `LlamaForCausalLM` tensor name, `null` for the rotary
 * `inv_freq` buffer older checkpoints store, `undefined` otherwise.
 */
export function llamaCanonicalTensorName(name: string): string | null | undefined {
  if (OTHER_NAMES.has(name) || LAYER_TENSOR.test(name)) return name;
  if (ROTARY_BUFFER.test(name)) return null;
  return undefined;
}
