/**
 * Writes small Hugging Face GPT-2 folders with random weights, in the layout `save_pretrained`
 * gives them: config.json with `GPT2Config().to_dict()`'s fields and model.safetensors with the
 * blocks' `Conv1D` weights stored `[in, out]`, optionally with the tiny tokenizer beside them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensorsFile, type TensorData } from '../model/formats/safetensors.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';
import { float16Bits, rawSafetensors, u16Bytes, type RawTensor } from './rawSafetensors.js';
import { tinyTokenizerJson, writeTokenizerFolder } from './tinyTokenizer.js';

/** What varies between the folders the tests write. */
export interface Gpt2FolderOptions {
  /** `GPT2LMHeadModel` names (`transformer.h.0…`, the default) or a `GPT2Model` checkpoint's bare `h.0…`. */
  names?: 'prefixed' | 'bare';
  /** config.json `tie_word_embeddings` (default true). */
  tied?: boolean;
  /** Store `lm_head.weight` (its own random values) even when tied; always stored when untied. */
  storeHead?: boolean;
  /** Store the causal-mask buffers `h.N.attn.bias` and `h.N.attn.masked_bias`, as older checkpoints do. */
  maskBuffers?: boolean;
  activation?: string;
  /** config.json `n_inner` (null: 4·n_embd). */
  nInner?: number | null;
  /** The MLP width the tensors have (default: what `nInner` says), to write a config that disagrees with them. */
  storedInner?: number;
  layerNormEpsilon?: number;
  scaleAttnWeights?: boolean;
  seed?: number;
  /** How model.safetensors stores the weights (default F32); config.json's `torch_dtype` says the same. */
  dtype?: 'F32' | 'F16';
}

/** The sizes of every test folder: 2 layers, vocabulary 101, 16 positions, width 32, 4 heads. */
export const GPT2_TEST_SIZES = { vocab: 101, positions: 16, width: 32, layers: 2, heads: 4 } as const;

/** config.json as `GPT2Config(...).to_dict()` writes it (the fields `PretrainedConfig` adds included). */
export function gpt2ConfigJson(options: Gpt2FolderOptions = {}): Record<string, unknown> {
  const { vocab, positions, width, layers, heads } = GPT2_TEST_SIZES;
  return {
    return_dict: true,
    output_hidden_states: false,
    output_attentions: false,
    torchscript: false,
    torch_dtype: options.dtype === 'F16' ? 'float16' : 'float32',
    use_bfloat16: false,
    pruned_heads: {},
    tie_word_embeddings: options.tied ?? true,
    chunk_size_feed_forward: 0,
    is_encoder_decoder: false,
    is_decoder: false,
    cross_attention_hidden_size: null,
    add_cross_attention: false,
    tie_encoder_decoder: false,
    architectures: ['GPT2LMHeadModel'],
    finetuning_task: null,
    id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
    label2id: { LABEL_0: 0, LABEL_1: 1 },
    tokenizer_class: null,
    prefix: null,
    bos_token_id: vocab - 1,
    pad_token_id: null,
    eos_token_id: vocab - 1,
    sep_token_id: null,
    decoder_start_token_id: null,
    task_specific_params: null,
    problem_type: null,
    _name_or_path: '',
    transformers_version: '4.44.2',
    vocab_size: vocab,
    n_positions: positions,
    n_embd: width,
    n_layer: layers,
    n_head: heads,
    n_inner: options.nInner === undefined ? null : options.nInner,
    activation_function: options.activation ?? 'gelu_new',
    resid_pdrop: 0.1,
    embd_pdrop: 0.1,
    attn_pdrop: 0.1,
    layer_norm_epsilon: options.layerNormEpsilon ?? 1e-5,
    initializer_range: 0.02,
    summary_type: 'cls_index',
    summary_use_proj: true,
    summary_activation: null,
    summary_proj_to_labels: true,
    summary_first_dropout: 0.1,
    scale_attn_weights: options.scaleAttnWeights ?? true,
    use_cache: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    model_type: 'gpt2',
  };
}

/**
 * The tensors of a random GPT-2 checkpoint, named as `options.names` says. Weights are drawn large
 * enough (≈ 1/√in, layer norms away from the identity) that attention is far from uniform and every
 * tensor moves the logits.
 */
export function gpt2CheckpointTensors(options: Gpt2FolderOptions = {}): Map<string, TensorData> {
  const { vocab, positions, width: d, layers } = GPT2_TEST_SIZES;
  const inner = options.storedInner ?? options.nInner ?? 4 * d;
  const stream = new RandomStream({ seed: options.seed ?? 1, round: 0, client: 0, stream: RandomStreams.initialisation });
  const normal = (shape: number[], std: number, mean = 0): TensorData => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => mean + std * stream.normal()),
  });
  const body = options.names === 'bare' ? '' : 'transformer.';
  const tensors = new Map<string, TensorData>([
    [`${body}wte.weight`, normal([vocab, d], 0.5)],
    [`${body}wpe.weight`, normal([positions, d], 0.5)],
  ]);
  const norm = (name: string) => {
    tensors.set(`${name}.weight`, normal([d], 0.2, 1)).set(`${name}.bias`, normal([d], 0.2));
  };
  const conv1d = (name: string, inFeatures: number, outFeatures: number, gain = 1) => {
    tensors.set(`${name}.weight`, normal([inFeatures, outFeatures], gain / Math.sqrt(inFeatures)));
    tensors.set(`${name}.bias`, normal([outFeatures], 0.1));
  };
  for (let i = 0; i < layers; i++) {
    const block = `${body}h.${i}`;
    norm(`${block}.ln_1`);
    conv1d(`${block}.attn.c_attn`, d, 3 * d, 1.5);
    conv1d(`${block}.attn.c_proj`, d, d);
    norm(`${block}.ln_2`);
    conv1d(`${block}.mlp.c_fc`, d, inner, 1.5);
    conv1d(`${block}.mlp.c_proj`, inner, d);
    if (options.maskBuffers === true) {
      const mask = new Float32Array(positions * positions);
      for (let row = 0; row < positions; row++) mask.fill(1, row * positions, row * positions + row + 1);
      tensors.set(`${block}.attn.bias`, { shape: [1, 1, positions, positions], data: mask });
      tensors.set(`${block}.attn.masked_bias`, { shape: [], data: Float32Array.of(-1e4) });
    }
  }
  norm(`${body}ln_f`);
  if (options.tied === false || options.storeHead === true) tensors.set('lm_head.weight', normal([vocab, d], 1 / Math.sqrt(d)));
  return tensors;
}

/** Writes config.json and model.safetensors of a random GPT-2 into the existing folder `folder`. */
export async function writeGpt2Folder(folder: string, options: Gpt2FolderOptions = {}): Promise<void> {
  await writeFile(join(folder, 'config.json'), JSON.stringify(gpt2ConfigJson(options), null, 2));
  const tensors = gpt2CheckpointTensors(options);
  const weights = join(folder, 'model.safetensors');
  if (options.dtype === 'F16') await writeFile(weights, rawSafetensors(float16Tensors(tensors)));
  else await writeSafetensorsFile(weights, tensors, { format: 'pt' });
}

function float16Tensors(tensors: ReadonlyMap<string, TensorData>): Record<string, RawTensor> {
  return Object.fromEntries(
    [...tensors].map(([name, { shape, data }]) => [name, { dtype: 'F16', shape: [...shape], bytes: u16Bytes(Array.from(data, float16Bits)) }]),
  );
}

/**
 * Writes a random GPT-2 and the tiny tokenizer into `folder` (created when missing): a model
 * folder a run, `fedtune score` or `loadHfLanguageModel` loads. tokenizer_config.json names `<s>`
 * and `</s>` as BOS and EOS, since config.json's BOS and EOS id (100) lies outside the tiny vocabulary.
 */
export async function writeGpt2ModelFolder(folder: string, options: Gpt2FolderOptions = {}): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeGpt2Folder(folder, options);
  writeTokenizerFolder(folder, tinyTokenizerJson(), { bos_token: '<s>', eos_token: '</s>' });
}
