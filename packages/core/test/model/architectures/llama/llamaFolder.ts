/**
 * Small Hugging Face LLaMA folders with random weights, laid out as `save_pretrained` writes them
 * (config.json and model.safetensors), and fedtune models built from them through the family's
 * own name, shape and build functions.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostTensor } from '../../../../src/model/architectures/baseModel.js';
import type { CausalLanguageModel } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { llamaArchitecture } from '../../../../src/model/architectures/llama/index.js';
import { readSafetensorsFile, writeSafetensorsFile, type TensorData } from '../../../../src/model/formats/safetensors.js';
import { RandomStream, RandomStreams } from '../../../../src/random/counterRandom.js';

/** The sizes and switches of a test checkpoint; absent ones take the defaults below. */
export interface LlamaFolderOptions {
  vocabSize?: number;
  hiddenSize?: number;
  intermediateSize?: number;
  layers?: number;
  heads?: number;
  /** Written only when given, as configs from before grouped-query attention lack it. */
  kvHeads?: number;
  /** Written only when given, as configs before transformers 4.45 lack it. */
  headDim?: number;
  maxPositions?: number;
  ropeTheta?: number;
  tied?: boolean;
  attentionBias?: boolean;
  mlpBias?: boolean;
  /** Store each layer's `rotary_emb.inv_freq` buffer, as checkpoints before transformers 4.31 did. */
  rotaryBuffer?: boolean;
  seed?: number;
}

/** config.json of a `LlamaConfig(...)` as `save_pretrained` writes it (transformers 4.4x field set). */
export function llamaConfigJson(options: LlamaFolderOptions = {}): Record<string, unknown> {
  const json: Record<string, unknown> = {
    architectures: ['LlamaForCausalLM'],
    attention_bias: options.attentionBias ?? false,
    attention_dropout: 0.0,
    bos_token_id: 1,
    eos_token_id: 2,
    hidden_act: 'silu',
    hidden_size: options.hiddenSize ?? 32,
    initializer_range: 0.02,
    intermediate_size: options.intermediateSize ?? 64,
    max_position_embeddings: options.maxPositions ?? 16,
    mlp_bias: options.mlpBias ?? false,
    model_type: 'llama',
    num_attention_heads: options.heads ?? 4,
    num_hidden_layers: options.layers ?? 2,
    pretraining_tp: 1,
    rms_norm_eps: 1e-6,
    rope_scaling: null,
    rope_theta: options.ropeTheta ?? 10000.0,
    tie_word_embeddings: options.tied ?? false,
    torch_dtype: 'float32',
    transformers_version: '4.46.0',
    use_cache: true,
    vocab_size: options.vocabSize ?? 103,
  };
  if (options.kvHeads !== undefined) json['num_key_value_heads'] = options.kvHeads;
  if (options.headDim !== undefined) json['head_dim'] = options.headDim;
  return json;
}

/**
 * The tensors `LlamaForCausalLM.state_dict()` holds for `json`, with their shapes, written out
 * here from the Hugging Face layout rather than taken from the code under test.
 */
function stateDictShapes(json: Record<string, unknown>): Map<string, number[]> {
  const hidden = json['hidden_size'] as number;
  const heads = json['num_attention_heads'] as number;
  const kvHeads = (json['num_key_value_heads'] as number | undefined) ?? heads;
  const headDim = (json['head_dim'] as number | undefined) ?? hidden / heads;
  const intermediate = json['intermediate_size'] as number;
  const vocab = json['vocab_size'] as number;
  const shapes = new Map<string, number[]>([['model.embed_tokens.weight', [vocab, hidden]]]);
  for (let i = 0; i < (json['num_hidden_layers'] as number); i++) {
    const layer = `model.layers.${i}`;
    const linear = (name: string, inFeatures: number, outFeatures: number, bias: unknown) => {
      shapes.set(`${layer}.${name}.weight`, [outFeatures, inFeatures]);
      if (bias === true) shapes.set(`${layer}.${name}.bias`, [outFeatures]);
    };
    shapes.set(`${layer}.input_layernorm.weight`, [hidden]);
    linear('self_attn.q_proj', hidden, heads * headDim, json['attention_bias']);
    linear('self_attn.k_proj', hidden, kvHeads * headDim, json['attention_bias']);
    linear('self_attn.v_proj', hidden, kvHeads * headDim, json['attention_bias']);
    linear('self_attn.o_proj', heads * headDim, hidden, json['attention_bias']);
    shapes.set(`${layer}.post_attention_layernorm.weight`, [hidden]);
    linear('mlp.gate_proj', hidden, intermediate, json['mlp_bias']);
    linear('mlp.up_proj', hidden, intermediate, json['mlp_bias']);
    linear('mlp.down_proj', intermediate, hidden, json['mlp_bias']);
  }
  shapes.set('model.norm.weight', [hidden]);
  // save_pretrained leaves out a head tied to the embedding.
  if (json['tie_word_embeddings'] !== true) shapes.set('lm_head.weight', [vocab, hidden]);
  return shapes;
}

/**
 * Writes config.json and model.safetensors of a random `LlamaForCausalLM` into `folder`. Weights are
 * scaled like a trained model's (unit-variance activations) and norms and biases perturbed, so
 * every tensor moves the logits well above the comparison tolerance.
 */
export async function writeLlamaFolder(folder: string, options: LlamaFolderOptions = {}): Promise<void> {
  const json = llamaConfigJson(options);
  const stream = new RandomStream({ seed: options.seed ?? 5, round: 0, client: 0, stream: RandomStreams.initialisation });
  const tensors = new Map<string, TensorData>();
  for (const [name, shape] of stateDictShapes(json)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let draw: () => number;
    if (name.endsWith('norm.weight')) draw = () => 1 + 0.2 * stream.normal();
    else if (name.endsWith('.bias')) draw = () => 0.2 * stream.normal();
    else if (name === 'model.embed_tokens.weight') draw = () => stream.normal();
    else draw = () => stream.normal() / Math.sqrt(shape[1] as number);
    tensors.set(name, { shape, data: Float32Array.from({ length: size }, draw) });
  }
  if (options.rotaryBuffer === true) {
    const headDim = (json['head_dim'] as number | undefined) ?? (json['hidden_size'] as number) / (json['num_attention_heads'] as number);
    const theta = json['rope_theta'] as number;
    const inverseFrequencies = Float32Array.from({ length: headDim / 2 }, (_, i) => 1 / theta ** ((2 * i) / headDim));
    for (let i = 0; i < (json['num_hidden_layers'] as number); i++) {
      tensors.set(`model.layers.${i}.self_attn.rotary_emb.inv_freq`, { shape: [headDim / 2], data: inverseFrequencies });
    }
  }
  await writeFile(join(folder, 'config.json'), JSON.stringify(json, null, 2));
  await writeSafetensorsFile(join(folder, 'model.safetensors'), tensors, { format: 'pt' });
}

/**
 * The fedtune model of a folder written by {@link writeLlamaFolder}, built as the loader does:
 * names made canonical (dropped buffers skipped), shapes checked against the expected tensors.
 */
export async function buildLlamaFromFolder(folder: string, contextLength: number): Promise<CausalLanguageModel> {
  const configPath = join(folder, 'config.json');
  const config = llamaArchitecture.parseConfig(JSON.parse(await readFile(configPath, 'utf8')), configPath);
  const expected = llamaArchitecture.expectedTensors(config);
  const { tensors } = await readSafetensorsFile(join(folder, 'model.safetensors'));
  const hostTensors = new Map<string, HostTensor>();
  for (const [name, tensor] of tensors) {
    const canonical = llamaArchitecture.canonicalTensorName(name);
    if (canonical === null) continue;
    if (canonical === undefined) throw new Error(`${name} is no LLaMA tensor`);
    const shape = expected.get(canonical)?.shape;
    if (shape === undefined || shape.join() !== tensor.shape.join()) {
      throw new Error(`${name} is [${tensor.shape.join(', ')}], expected ${shape === undefined ? 'no such tensor' : `[${shape.join(', ')}]`}`);
    }
    hostTensors.set(canonical, { shape: tensor.shape, data: tensor.data as Float32Array });
  }
  for (const [name, { optional }] of expected) {
    if (optional !== true && !hostTensors.has(name)) throw new Error(`${name} is missing`);
  }
  return llamaArchitecture.build(config, hostTensors, { contextLength, metadata: { source: 'test folder' } });
}
