/**
 * GPT-2's forward pass, as Hugging Face's `GPT2Model` computes it: token plus position embeddings,
 * pre-LayerNorm blocks (causal multi-head attention, then the MLP, each added to the residual
 * stream) and the final layer norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError, ShapeError } from '../../../errors.js';
import type { LinearFunction } from '../baseModel.js';
import { HF_PAD_ID } from '../huggingface/hfArchitecture.js';
import { causalMask, layerNorm } from '../transformerLayers.js';
import { gpt2ActivationFunction } from './gpt2Activation.js';
import type { Gpt2Config } from './gpt2Config.js';
import { GPT2_FINAL_NORM, GPT2_POSITION_EMBEDDING, GPT2_TOKEN_EMBEDDING, gpt2Block, type Gpt2BlockModules } from './gpt2Tensors.js';

/**
 * Refuses token ids the forward cannot embed: a sequence longer than `contextLength`, an id that is
 * not an integer in [{@link HF_PAD_ID}, `vocabSize`), or a real token after padding (padding goes on
 * the right, so the read-out finds each row's last real token). Reading the ids back costs one
 * `[batch, length]` copy, far less than the forward itself; on a GPU backend it also waits for the
 * ids to be ready, which they are, having come from the host.
 */
export function checkGpt2Ids(ids: tf.Tensor2D, vocabSize: number, contextLength: number): void {
  const [batch, length] = ids.shape;
  if (length < 1 || length > contextLength) {
    throw new ShapeError(
      `Token sequences have ${length} positions; this GPT-2 takes 1 to ${contextLength} (its context length); cut longer sequences to that length.`
    );
  }
  const values = ids.dataSync();
  for (let row = 0; row < batch; row++) {
    let paddedFrom: number | undefined;
    for (let position = 0; position < length; position++) {
      const id = values[row * length + position] as number;
      if (!Number.isInteger(id) || id < HF_PAD_ID || id >= vocabSize) {
        throw new DataError(
          `Token id ${id} (row ${row}, position ${position}) is not a token of this GPT-2, whose ids are 0 to ${
            vocabSize - 1
          } with ${HF_PAD_ID} for padding; tokenize with the model's own tokenizer.`
        );
      }
      if (id === HF_PAD_ID) paddedFrom ??= position;
      else if (paddedFrom !== undefined) {
        throw new DataError(
          `Row ${row} has token ${id} at position ${position}, after padding at position ${paddedFrom}; pad sequences on the right only.`
        );
      }
    }
  }
}

/** `[rows, heads·headSize]` → `[batch, heads, length, headSize]`, or `[batch, heads, headSize, length]` with `keysLast`. */
function splitHeads(x: tf.Tensor2D, batch: number, length: number, heads: number, keysLast = false): tf.Tensor4D {
  const headSize = (x.shape[1] as number) / heads;
  return tf.transpose(tf.reshape(x, [batch, length, heads, headSize]), keysLast ? [0, 2, 3, 1] : [0, 2, 1, 3]);
}

/**
 * Causal self-attention of one block, from the layer-normed stream `[batch·length, d]` to the
 * `c_proj` output. `c_attn` gives queries, keys and values side by side; they are taken apart by
 * gathering rows of a `[3, rows, d]` view, since gather's gradient is registered for training and
 * slice's is not.
 */
function attention(
  config: Gpt2Config,
  block: Gpt2BlockModules,
  normed: tf.Tensor2D,
  shape: { batch: number; length: number; mask: tf.Tensor2D },
  linear: LinearFunction
): tf.Tensor2D {
  const { batch, length, mask } = shape;
  const d = config.hiddenSize;
  const rows = batch * length;
  const qkv = tf.transpose(tf.reshape(linear(block.qkv, normed), [rows, 3, d]), [1, 0, 2]);
  const part = (index: number) => tf.gather(qkv, index) as tf.Tensor2D;
  const headSize = d / config.heads;
  // Scaling queries before the product touches length·headSize values instead of length².
  const queries = config.scaleAttentionWeights ? tf.mul<tf.Tensor2D>(part(0), 1 / Math.sqrt(headSize)) : part(0);
  const q = splitHeads(queries, batch, length, config.heads);
  const k = splitHeads(part(1), batch, length, config.heads, true);
  const v = splitHeads(part(2), batch, length, config.heads);
  const weights = tf.softmax(tf.add(tf.matMul(q, k), mask));
  const attended = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [rows, d]) as tf.Tensor2D;
  return linear(block.attentionOut, attended);
}

/**
 * The residual stream after `ln_f`, `[batch·length, n_embd]` (example-major), for token ids
 * `[batch, length]` already checked by {@link checkGpt2Ids}. Padding ({@link HF_PAD_ID}) is embedded
 * as token 0; causal attention keeps it from the real tokens before it. `tensor(name)` gives the
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
  const tokens = tf.reshape(tf.cast(tf.maximum(ids, 0), 'int32'), [rows]);
  const embedded = tf.reshape(tf.gather(tensor(GPT2_TOKEN_EMBEDDING), tokens), [batch, length, d]);
  const positions = tf.slice(tensor(GPT2_POSITION_EMBEDDING), [0, 0], [length, d]);
  // Positions broadcast over the batch; reshaping around the sum avoids a tile.
  let stream = tf.reshape(tf.add(embedded, positions), [rows, d]) as tf.Tensor2D;
  const shape = { batch, length, mask: causalMask(length) };
  blocks.forEach((block, i) => {
    const prefix = gpt2Block(i);
    stream = tf.add(stream, attention(config, block, norm(stream, `${prefix}.ln_1`), shape, linear));
    const hidden = activation(linear(block.mlpIn, norm(stream, `${prefix}.ln_2`)));
    stream = tf.add(stream, linear(block.mlpOut, hidden));
  });
  return norm(stream, GPT2_FINAL_NORM);
}
