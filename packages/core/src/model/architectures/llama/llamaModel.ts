import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../../contracts/adapter.js';
import { ShapeError } from '../../../errors.js';
import { frozenFromHost, type HostLinear, type HostTensor, type LinearFunction } from '../baseModel.js';
import type { CausalLanguageModel } from '../huggingface/hfArchitecture.js';
import { checkHfContextLength, HfCausalModel } from '../huggingface/hfCausalModel.js';
import { checkHfTokenIds, hfEmbeddingRows } from '../huggingface/hfTokenIds.js';
import { causalMask, frozenRows, mergeHeads, rmsNorm, silu, splitHeads } from '../transformerLayers.js';
import type { LlamaConfig } from './llamaConfig.js';
import {
  LLAMA_EMBEDDING,
  LLAMA_FINAL_NORM,
  LLAMA_HEAD,
  llamaLayer,
  llamaLayerNorms,
  llamaModuleHasBias,
  llamaModules,
  llamaOtherTensors,
} from './llamaTensors.js';
import { RotaryEmbedding } from './rotaryEmbedding.js';

/** Registry name and config.json `model_type` of the family. */
export const LLAMA_ARCHITECTURE = 'llama';

/** The host tensor `name`, checked to hold `shape`; a {@link ShapeError} naming it otherwise. */
function hostTensor(tensors: ReadonlyMap<string, HostTensor>, name: string, shape: readonly number[]): HostTensor {
  const host = tensors.get(name);
  const size = shape.reduce((a, b) => a * b, 1);
  if (host === undefined || host.data.length !== size) {
    throw new ShapeError(
      `LLaMA tensor "${name}" ${host === undefined ? 'is missing' : `has ${host.data.length} values`}; ` +
        `[${shape.join(', ')}] needs ${size}. Pass every tensor of llamaArchitecture.expectedTensors.`
    );
  }
  return host;
}

class LlamaModel extends HfCausalModel {
  private readonly byName: ReadonlyMap<string, LinearModuleInfo>;
  private readonly rotary: RotaryEmbedding;

  constructor(
    private readonly config: LlamaConfig,
    tensors: ReadonlyMap<string, HostTensor>,
    options: { readonly contextLength: number; readonly metadata: Readonly<Record<string, string>> }
  ) {
    const modules = llamaModules(config);
    const embedding = hostTensor(tensors, LLAMA_EMBEDDING, [config.vocabSize, config.hiddenSize]);
    const weights = new Map<string, HostLinear>(
      modules.map((module) => {
        // A tied head is the embedding itself, whether or not the checkpoint also stores a copy.
        const weight =
          module.isHead && config.tieWordEmbeddings
            ? embedding
            : hostTensor(tensors, `${module.name}.weight`, [module.outFeatures, module.inFeatures]);
        const bias = llamaModuleHasBias(config, module.name)
          ? hostTensor(tensors, `${module.name}.bias`, [module.outFeatures]).data
          : undefined;
        return [module.name, { weight: weight.data, bias }];
      })
    );
    const others = llamaOtherTensors(config);
    for (const [name, shape] of others) hostTensor(tensors, name, shape);
    const frozen = frozenFromHost(modules, weights);
    const headWeight = (frozen.get(LLAMA_HEAD) as FrozenLinear).weight;
    const frozenTensors = new Map(
      [...others].map(([name, shape]) => [
        name,
        // Tied embeddings share the head's tensor rather than holding the vocabulary twice.
        name === LLAMA_EMBEDDING && config.tieWordEmbeddings
          ? headWeight
          : tf.tensor((tensors.get(name) as HostTensor).data, shape),
      ])
    );
    super(LLAMA_ARCHITECTURE, config, options, { modules, frozen, frozenTensors });
    this.byName = new Map(modules.map((module) => [module.name, module]));
    this.rotary = new RotaryEmbedding(config.headDim, config.ropeTheta, options.contextLength);
  }

  hiddenStates(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    checkHfTokenIds(ids, { family: 'LLaMA', vocabSize: this.vocabSize, contextLength: this.contextLength });
    const [batch, length] = ids.shape;
    const { heads, kvHeads, headDim, rmsNormEps: eps } = this.config;
    const groups = heads / kvHeads;
    const project = (name: string, x: tf.Tensor2D) => linear(this.byName.get(name) as LinearModuleInfo, x);
    const split = (x: tf.Tensor2D, n: number) => splitHeads(x, batch, length, n);
    let stream = frozenRows(this.tensor(LLAMA_EMBEDDING), hfEmbeddingRows(ids)) as tf.Tensor2D;
    const mask = causalMask(length);
    for (let i = 0; i < this.config.layers; i++) {
      const prefix = llamaLayer(i);
      const [inputNorm, postAttentionNorm] = llamaLayerNorms(i);
      const normed = rmsNorm(stream, this.tensor(inputNorm), eps);
      // Scaling queries before the product touches length·headDim values instead of length².
      const q = tf.mul(this.rotary.apply(split(project(`${prefix}.self_attn.q_proj`, normed), heads)), 1 / Math.sqrt(headDim));
      const k = this.rotary.apply(split(project(`${prefix}.self_attn.k_proj`, normed), kvHeads));
      const v = split(project(`${prefix}.self_attn.v_proj`, normed), kvHeads);
      // Query head h reads key/value head ⌊h / groups⌋ (repeat_kv): stacking each key/value head's
      // queries along the positions lets one product serve them all without repeating the keys.
      const grouped = tf.reshape(q, [batch, kvHeads, groups * length, headDim]);
      const scores = tf.reshape(tf.matMul(grouped, tf.transpose(k, [0, 1, 3, 2])), [batch, kvHeads, groups, length, length]);
      const weights = tf.reshape(tf.softmax(tf.add(scores, mask)), [batch, kvHeads, groups * length, length]);
      const attended = tf.reshape<tf.Rank.R4>(tf.matMul(weights, v), [batch, heads, length, headDim]);
      stream = tf.add(stream, project(`${prefix}.self_attn.o_proj`, mergeHeads(attended)));
      const normed2 = rmsNorm(stream, this.tensor(postAttentionNorm), eps);
      const gated = tf.mul<tf.Tensor2D>(silu(project(`${prefix}.mlp.gate_proj`, normed2)), project(`${prefix}.mlp.up_proj`, normed2));
      stream = tf.add(stream, project(`${prefix}.mlp.down_proj`, gated));
    }
    return rmsNorm(stream, this.tensor(LLAMA_FINAL_NORM), eps);
  }

  override dispose(): void {
    super.dispose();
    this.rotary.dispose();
  }
}

/**
 * A `LlamaForCausalLM` from tensors named and shaped as {@link llamaExpectedTensors} lists them,
 * taking `contextLength` tokens (1 to `max_position_embeddings`). Takes ownership of the host
 * arrays of the tensors outside the linear modules.
 */
export function createLlamaModel(
  config: LlamaConfig,
  tensors: ReadonlyMap<string, HostTensor>,
  options: { readonly contextLength: number; readonly metadata: Readonly<Record<string, string>> }
): CausalLanguageModel {
  checkHfContextLength('LLaMA', options.contextLength, config.maxPositions, 'max_position_embeddings');
  return new LlamaModel(config, tensors, options);
}
