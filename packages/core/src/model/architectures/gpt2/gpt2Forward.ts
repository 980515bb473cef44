/**
 * GPT-2's forward pass, as Hugging Face's `GPT2Model` computes it: token plus position embeddings,
 * pre-LayerNorm blocks (causal multi-head attention, then the MLP, each added to the residual
 * stream) and the final layer norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LinearFunction } from '../baseModel.js';
import { HF_PAD_ID } from '../huggingface/hfArchitecture.js';
import { hfEmbeddingRows } from '../huggingface/hfTokenIds.js';
import { causalMask, causalSelfAttention, frozenRows, layerNorm, type AttentionShape } from '../transformerLayers.js';
import { gpt2ActivationFunction } from './gpt2Activation.js';
import type { Gpt2Config } from './gpt2Config.js';
import { GPT2_FINAL_NORM, GPT2_POSITION_EMBEDDING, GPT2_TOKEN_EMBEDDING, gpt2Block, type Gpt2BlockModules } from './gpt2Tensors.js';

/**
 * Causal self-attention of one block, from the layer-normed stream `[batch·length, d]` to the
 * `c_proj` output. `c_attn` gives queries, keys and values side by side; they are taken apart by
 * gathering rows of a `[3, rows, d]` view, since gather's gradient is registered for training and
 * slice's is not.
 */
function attention(block: Gpt2BlockModules, normed: tf.Tensor2D, shape: AttentionShape, linear: LinearFunction): tf.Tensor2D {
  const [rows, d] = normed.shape;
  const qkv = tf.transpose(tf.reshape(linear(block.qkv, normed), [rows, 3, d]), [1, 0, 2]);
  const part = (index: number) => tf.gather(qkv, index) as tf.Tensor2D;
  return linear(block.attentionOut, causalSelfAttention(part(0), part(1), part(2), shape));
}

/**
 * The residual stream after `ln_f`, `[batch·length, n_embd]` (example-major), for token ids
 * `[batch, length]` already checked by `checkHfTokenIds`. Padding ({@link HF_PAD_ID}) is embedded as
 * token 0; causal attention keeps it from the real tokens before it. `tensor(name)` gives the
 * canonical non-linear tensors; `linear` computes the blocks' modules.
 */
export function gpt2HiddenStates(
  config: Gpt2Config,
  blocks: readonly Gpt2BlockModules[],
  tensor: (name: string) => tf.Tensor,
  ids: tf.Tensor2D,
  linear: LinearFunction
): tf.Tensor2D {
  const [batch, length] = ids.shape;
  const d = config.hiddenSize;
  const rows = batch * length;
  const epsilon = config.layerNormEpsilon;
  const norm = (x: tf.Tensor2D, name: string) => layerNorm(x, tensor(`${name}.weight`), tensor(`${name}.bias`), epsilon);
  const activation = gpt2ActivationFunction(config.activation);
  const embedded = tf.reshape(frozenRows(tensor(GPT2_TOKEN_EMBEDDING), hfEmbeddingRows(ids)), [batch, length, d]);
  const positions = tf.slice(tensor(GPT2_POSITION_EMBEDDING), [0, 0], [length, d]);
  // Positions broadcast over the batch; reshaping around the sum avoids a tile.
  let stream = tf.reshape(tf.add(embedded, positions), [rows, d]) as tf.Tensor2D;
  const scale = config.scaleAttentionWeights ? 1 / Math.sqrt(d / config.heads) : 1;
  const shape = { batch, length, heads: config.heads, mask: causalMask(length), scale };
  blocks.forEach((block, i) => {
    const prefix = gpt2Block(i);
    stream = tf.add(stream, attention(block, norm(stream, `${prefix}.ln_1`), shape, linear));
    const hidden = activation(linear(block.mlpIn, norm(stream, `${prefix}.ln_2`)));
    stream = tf.add(stream, linear(block.mlpOut, hidden));
  });
  return norm(stream, GPT2_FINAL_NORM);
}
