/**
 * A Hugging Face GPT-2 folder small enough to write inline: config.json, model.safetensors with
 * random weights (the blocks' Conv1D weights stored `[in, out]`, as save_pretrained writes them) and
 * a byte-level BPE tokenizer.json whose 15 tokens spell "hello world".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensorsFile, type TensorData } from '@fedtune/core';

const VOCAB = ['<s>', '</s>', 'h', 'e', 'l', 'o', 'Ġ', 'w', 'r', 'd', 'he', 'll', 'hell', 'hello', 'Ġw'];
const MERGES = [['h', 'e'], ['l', 'l'], ['he', 'll'], ['hell', 'o'], ['Ġ', 'w']];
const SIZES = { vocab: VOCAB.length, positions: 8, width: 8, heads: 2 };

function tokenizerJson(): object {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<s>'), special(1, '</s>')],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(VOCAB.map((token, id) => [token, id])),
      merges: MERGES,
    },
  };
}

/** Writes the tiny GPT-2 (one block) and its tokenizer into the existing folder `folder`. */
export async function writeTinyGpt2Folder(folder: string): Promise<void> {
  const { vocab, positions, width: d, heads } = SIZES;
  let state = 12345;
  // A fixed linear congruential sequence: the test needs varied weights, not good randomness.
  const draw = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const tensor = (shape: number[], scale: number, offset = 0): TensorData => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + scale * draw()),
  });
  const tensors = new Map<string, TensorData>([
    ['transformer.wte.weight', tensor([vocab, d], 1)],
    ['transformer.wpe.weight', tensor([positions, d], 0.5)],
  ]);
  for (const norm of ['transformer.h.0.ln_1', 'transformer.h.0.ln_2', 'transformer.ln_f']) {
    tensors.set(`${norm}.weight`, tensor([d], 0.2, 1)).set(`${norm}.bias`, tensor([d], 0.1));
  }
  for (const [name, inFeatures, outFeatures] of [
    ['attn.c_attn', d, 3 * d],
    ['attn.c_proj', d, d],
    ['mlp.c_fc', d, 4 * d],
    ['mlp.c_proj', 4 * d, d],
  ] as const) {
    tensors.set(`transformer.h.0.${name}.weight`, tensor([inFeatures, outFeatures], 1 / Math.sqrt(inFeatures)));
    tensors.set(`transformer.h.0.${name}.bias`, tensor([outFeatures], 0.1));
  }
  const config = {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: vocab,
    n_positions: positions,
    n_embd: d,
    n_layer: 1,
    n_head: heads,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    bos_token_id: 1,
    eos_token_id: 1,
    tie_word_embeddings: true,
  };
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  await writeSafetensorsFile(join(folder, 'model.safetensors'), tensors, { format: 'pt' });
}
