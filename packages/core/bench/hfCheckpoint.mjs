// Random GPT-2 checkpoints for the Hugging Face model benchmark, in the folder layout
// `save_pretrained` gives a `GPT2LMHeadModel`: config.json and model.safetensors with the
// `transformer.`-prefixed names and the blocks' Conv1D weights stored [in, out]. The tensor names
// and shapes come from core's own GPT-2 description (gpt2ExpectedTensors), so the file is exactly
// what the loader expects of a real checkpoint.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gpt2ExpectedTensors, parseGpt2Config, writeSafetensorsFile } from '../dist/model/index.js';
import { RandomStream, RandomStreams } from '../dist/random/counterRandom.js';

/** The two shapes the benchmark compares: GPT-2 small (124M parameters) and a 2-layer toy. */
export const GPT2_SHAPES = {
  'gpt2-124m': { vocab: 50257, positions: 1024, width: 768, layers: 12, heads: 12 },
  'tiny-2l': { vocab: 1000, positions: 128, width: 64, layers: 2, heads: 4 },
};

/** Hugging Face's `GPT2Config` fields for `shape` (defaults for everything the shape does not set). */
function gpt2Config({ vocab, positions, width, layers, heads }) {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: vocab,
    n_positions: positions,
    n_embd: width,
    n_layer: layers,
    n_head: heads,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    bos_token_id: vocab - 1,
    eos_token_id: vocab - 1,
    torch_dtype: 'float32',
  };
}

/**
 * Values drawn as `GPT2PreTrainedModel._init_weights` draws them — std 0.02, the residual
 * projections (`c_proj`) 0.02/√(2·n_layer), biases 0, layer norms 1 and 0 — but uniform with that
 * standard deviation: a uniform draw costs half a normal one, which matters for 124M values, and
 * the cost of training does not depend on the distribution.
 */
function initialValues(name, count, layers, stream) {
  if (/\.ln_[12f]\.weight$/.test(name)) return new Float32Array(count).fill(1);
  if (name.endsWith('.bias')) return new Float32Array(count);
  const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * layers) : 0.02;
  const halfWidth = std * Math.sqrt(3);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (2 * stream.uniform() - 1) * halfWidth;
  return values;
}

/**
 * Writes config.json and model.safetensors of a random GPT-2 of `shape` into `folder` (tied
 * embeddings, so no lm_head.weight is stored); returns the weights' float32 bytes.
 */
export async function writeGpt2Checkpoint(folder, shape) {
  const json = gpt2Config(shape);
  const config = parseGpt2Config(json, join(folder, 'config.json'));
  const stream = new RandomStream({ seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation });
  const tensors = new Map();
  let bytes = 0;
  for (const [name, expected] of gpt2ExpectedTensors(config)) {
    if (expected.optional === true) continue;
    const count = expected.shape.reduce((a, b) => a * b, 1);
    tensors.set(name, { shape: [...expected.shape], data: initialValues(name, count, shape.layers, stream) });
    bytes += 4 * count;
  }
  await writeFile(join(folder, 'config.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeSafetensorsFile(join(folder, 'model.safetensors'), tensors, { format: 'pt' });
  return bytes;
}
