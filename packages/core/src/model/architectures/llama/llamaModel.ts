import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../../contracts/adapter.js';
import { ConfigError, ShapeError } from '../../../errors.js';
import { disposeFrozen, frozenFromHost, type HostLinear, type HostTensor, type LinearFunction } from '../baseModel.js';
import { HF_PAD_ID, type CausalLanguageModel } from '../huggingface/hfArchitecture.js';
import { causalMask, lastPositionRows, rmsNorm, silu } from '../transformerLayers.js';
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

class LlamaModel implements CausalLanguageModel {
  readonly architecture = LLAMA_ARCHITECTURE;
  readonly modelType = LLAMA_ARCHITECTURE;
  readonly modules: readonly LinearModuleInfo[];
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  readonly frozenTensors: ReadonlyMap<string, tf.Tensor>;
  readonly inputSize: number;
  readonly numClasses: number;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly byName: ReadonlyMap<string, LinearModuleInfo>;
  private readonly head: LinearModuleInfo;
  private readonly rotary: RotaryEmbedding;

  constructor(
    private readonly config: LlamaConfig,
    tensors: ReadonlyMap<string, HostTensor>,
    readonly contextLength: number,
    metadata: Readonly<Record<string, string>>
  ) {
    this.modules = llamaModules(config);
    const embedding = hostTensor(tensors, LLAMA_EMBEDDING, [config.vocabSize, config.hiddenSize]);
    const weights = new Map<string, HostLinear>(
      this.modules.map((module) => {
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
    this.frozen = frozenFromHost(this.modules, weights);
    const headWeight = (this.frozen.get(LLAMA_HEAD) as FrozenLinear).weight;
    this.frozenTensors = new Map(
      [...others].map(([name, shape]) => [
        name,
        // Tied embeddings share the head's tensor rather than holding the vocabulary twice.
        name === LLAMA_EMBEDDING && config.tieWordEmbeddings
          ? headWeight
          : tf.tensor((tensors.get(name) as HostTensor).data, shape),
      ])
    );
    this.byName = new Map(this.modules.map((module) => [module.name, module]));
    this.head = this.modules[this.modules.length - 1] as LinearModuleInfo;
    this.rotary = new RotaryEmbedding(config.headDim, config.ropeTheta, contextLength);
    this.inputSize = contextLength;
    this.numClasses = config.vocabSize;
    this.vocabSize = config.vocabSize;
    this.hiddenSize = config.hiddenSize;
    this.metadata = { ...metadata, architecture: LLAMA_ARCHITECTURE, contextLength: String(contextLength) };
  }

  private tensor(name: string): tf.Tensor {
    return this.frozenTensors.get(name) as tf.Tensor;
  }

  hiddenStates(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    const [batch, length] = ids.shape;
    if (length < 1 || length > this.contextLength) {
      throw new ShapeError(
        `Token sequences have ${length} positions but this LLaMA model takes 1 to ${this.contextLength}; cut them to at most that length.`
      );
    }
    const { heads, kvHeads, headDim, rmsNormEps: eps } = this.config;
    const rows = batch * length;
    const groups = heads / kvHeads;
    const project = (name: string, x: tf.Tensor2D) => linear(this.byName.get(name) as LinearModuleInfo, x);
    // [rows, n·headDim] → [batch, n, length, headDim].
    const splitHeads = (x: tf.Tensor2D, n: number) =>
      tf.transpose(tf.reshape(x, [batch, length, n, headDim]), [0, 2, 1, 3]) as tf.Tensor4D;
    const tokens = tf.cast(tf.where(tf.equal(ids, HF_PAD_ID), tf.zerosLike(ids), ids), 'int32');
    let stream = tf.gather(this.tensor(LLAMA_EMBEDDING), tf.reshape(tokens, [rows])) as tf.Tensor2D;
    const mask = causalMask(length);
    for (let i = 0; i < this.config.layers; i++) {
      const prefix = llamaLayer(i);
      const [inputNorm, postAttentionNorm] = llamaLayerNorms(i);
      const normed = rmsNorm(stream, this.tensor(inputNorm), eps);
      // Scaling queries before the product touches length·headDim values instead of length².
      const q = tf.mul(this.rotary.apply(splitHeads(project(`${prefix}.self_attn.q_proj`, normed), heads)), 1 / Math.sqrt(headDim));
      const k = this.rotary.apply(splitHeads(project(`${prefix}.self_attn.k_proj`, normed), kvHeads));
      const v = splitHeads(project(`${prefix}.self_attn.v_proj`, normed), kvHeads);
      // Query head h reads key/value head ⌊h / groups⌋ (repeat_kv): stacking each key/value head's
      // queries along the positions lets one product serve them all without repeating the keys.
      const grouped = tf.reshape(q, [batch, kvHeads, groups * length, headDim]);
      const scores = tf.reshape(tf.matMul(grouped, tf.transpose(k, [0, 1, 3, 2])), [batch, kvHeads, groups, length, length]);
      const weights = tf.reshape(tf.softmax(tf.add(scores, mask)), [batch, kvHeads, groups * length, length]);
      const attended = tf.reshape(tf.matMul(weights, v), [batch, heads, length, headDim]);
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [rows, heads * headDim]) as tf.Tensor2D;
      stream = tf.add(stream, project(`${prefix}.self_attn.o_proj`, merged));
      const normed2 = rmsNorm(stream, this.tensor(postAttentionNorm), eps);
      const gated = tf.mul<tf.Tensor2D>(silu(project(`${prefix}.mlp.gate_proj`, normed2)), project(`${prefix}.mlp.up_proj`, normed2));
      stream = tf.add(stream, project(`${prefix}.mlp.down_proj`, gated));
    }
    return rmsNorm(stream, this.tensor(LLAMA_FINAL_NORM), eps);
  }

  positionLogits(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    return linear(this.head, this.hiddenStates(ids, linear));
  }

  forward(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    const lastRows = tf.gather(this.hiddenStates(ids, linear), lastPositionRows(ids, HF_PAD_ID)) as tf.Tensor2D;
    return linear(this.head, lastRows);
  }

  dispose(): void {
    disposeFrozen(this.frozen);
    // A tied embedding is the head's weight, already released (releasing twice is harmless).
    for (const tensor of this.frozenTensors.values()) tensor.dispose();
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
  const { contextLength } = options;
  if (!Number.isSafeInteger(contextLength) || contextLength < 1 || contextLength > config.maxPositions) {
    throw new ConfigError(
      `A LLaMA context length of ${contextLength} is out of range; choose an integer from 1 to max_position_embeddings (${config.maxPositions}).`
    );
  }
  return new LlamaModel(config, tensors, contextLength, options.metadata);
}
