import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../../contracts/adapter.js';
import { ConfigError, ShapeError } from '../../../errors.js';
import { disposeFrozen, frozenFromHost, type HostLinear, type HostTensor, type LinearFunction } from '../baseModel.js';
import { HF_PAD_ID, type CausalLanguageModel } from '../huggingface/hfArchitecture.js';
import { lastPositionRows } from '../transformerLayers.js';
import type { Gpt2Config } from './gpt2Config.js';
import { checkGpt2Ids, gpt2HiddenStates } from './gpt2Forward.js';
import {
  GPT2_HEAD_WEIGHT,
  GPT2_POSITION_EMBEDDING,
  GPT2_TOKEN_EMBEDDING,
  gpt2BlockModules,
  gpt2ExpectedTensors,
  gpt2HeadModule,
  gpt2NormNames,
  type Gpt2BlockModules,
} from './gpt2Tensors.js';

/** The architecture name and config.json `model_type` of GPT-2. */
export const GPT2_MODEL_TYPE = 'gpt2';

/** How {@link buildGpt2Model} is asked to build. */
export interface Gpt2BuildOptions {
  /** The longest sequence the model takes, 1 to `n_positions`; its `inputSize`. */
  readonly contextLength: number;
  /** Provenance kept in the model's metadata. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A Conv1D weight stored `[in, out]` as the `[out, in]` an `nn.Linear` (and {@link HostLinear}) holds. */
function linearFromConv1d(stored: Float32Array, inFeatures: number, outFeatures: number): Float32Array {
  const weight = new Float32Array(stored.length);
  for (let i = 0; i < inFeatures; i++) {
    for (let o = 0; o < outFeatures; o++) weight[o * inFeatures + i] = stored[i * outFeatures + o] as number;
  }
  return weight;
}

/** Checks that `tensors` holds every tensor `config` needs, each of its expected shape. */
function checkTensors(config: Gpt2Config, tensors: ReadonlyMap<string, HostTensor>): void {
  for (const [name, expected] of gpt2ExpectedTensors(config)) {
    const host = tensors.get(name);
    if (host === undefined) {
      if (expected.optional === true) continue;
      throw new ShapeError(`GPT-2 tensor "${name}" is missing; pass every tensor of gpt2ExpectedTensors (canonical names).`);
    }
    const size = expected.shape.reduce((a, b) => a * b, 1);
    if (host.shape.join() !== expected.shape.join() || host.data.length !== size) {
      throw new ShapeError(
        `GPT-2 tensor "${name}" is [${host.shape.join(', ')}] with ${host.data.length} values; this config needs [${expected.shape.join(
          ', '
        )}]. Check the tensors against gpt2ExpectedTensors before building.`
      );
    }
  }
}

class Gpt2Model implements CausalLanguageModel {
  readonly architecture = GPT2_MODEL_TYPE;
  readonly modelType = GPT2_MODEL_TYPE;
  readonly modules: readonly LinearModuleInfo[];
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  readonly frozenTensors: ReadonlyMap<string, tf.Tensor>;
  readonly contextLength: number;
  readonly inputSize: number;
  readonly vocabSize: number;
  readonly numClasses: number;
  readonly hiddenSize: number;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly blocks: readonly Gpt2BlockModules[];
  private readonly head: LinearModuleInfo;

  constructor(
    private readonly config: Gpt2Config,
    tensors: ReadonlyMap<string, HostTensor>,
    options: Gpt2BuildOptions
  ) {
    const { contextLength } = options;
    if (!Number.isSafeInteger(contextLength) || contextLength < 1 || contextLength > config.positions) {
      throw new ConfigError(
        `A GPT-2 context length of ${contextLength} is not possible: it must be an integer from 1 to ${config.positions} (n_positions); choose a context length in that range.`
      );
    }
    checkTensors(config, tensors);
    const host = (name: string) => tensors.get(name) as HostTensor;
    this.blocks = gpt2BlockModules(config);
    this.head = gpt2HeadModule(config);
    this.modules = [...this.blocks.flatMap((block) => [block.qkv, block.attentionOut, block.mlpIn, block.mlpOut]), this.head];
    const weights = new Map<string, HostLinear>(
      this.modules
        .filter((module) => !module.isHead)
        .map((module) => [
          module.name,
          {
            weight: linearFromConv1d(host(`${module.name}.weight`).data, module.inFeatures, module.outFeatures),
            bias: host(`${module.name}.bias`).data,
          },
        ])
    );
    // Tied, the head is the token embedding, whatever lm_head.weight the file also holds (as Hugging Face ties them).
    const headWeight = config.tieWordEmbeddings ? GPT2_TOKEN_EMBEDDING : GPT2_HEAD_WEIGHT;
    weights.set(this.head.name, { weight: host(headWeight).data, bias: undefined });
    this.frozen = frozenFromHost(this.modules, weights);
    const frozenTensor = (name: string) => {
      const { data, shape } = host(name);
      return tf.tensor(data, [...shape]);
    };
    const embedding = config.tieWordEmbeddings
      ? // The head's frozen weight holds the very same values: one copy serves both.
        (this.frozen.get(this.head.name) as FrozenLinear).weight
      : frozenTensor(GPT2_TOKEN_EMBEDDING);
    const norms = gpt2NormNames(config).flatMap((norm) => [`${norm}.weight`, `${norm}.bias`]);
    this.frozenTensors = new Map<string, tf.Tensor>([
      [GPT2_TOKEN_EMBEDDING, embedding],
      [GPT2_POSITION_EMBEDDING, frozenTensor(GPT2_POSITION_EMBEDDING)],
      ...norms.map((name): [string, tf.Tensor] => [name, frozenTensor(name)]),
    ]);
    this.contextLength = contextLength;
    this.inputSize = contextLength;
    this.vocabSize = config.vocabSize;
    this.numClasses = config.vocabSize;
    this.hiddenSize = config.hiddenSize;
    // The model's own entries win, so the metadata always describes this very model.
    this.metadata = { ...options.metadata, architecture: GPT2_MODEL_TYPE, contextLength: String(contextLength) };
  }

  private tensor(name: string): tf.Tensor {
    return this.frozenTensors.get(name) as tf.Tensor;
  }

  hiddenStates(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    checkGpt2Ids(ids, this.vocabSize, this.contextLength);
    return gpt2HiddenStates(this.config, this.blocks, (name) => this.tensor(name), ids, linear);
  }

  positionLogits(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    return linear(this.head, this.hiddenStates(ids, linear));
  }

  /** Next-token logits `[batch, vocab]` at each row's last real (non-padding) token. */
  forward(x: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    return linear(this.head, tf.gather(this.hiddenStates(x, linear), lastPositionRows(x, HF_PAD_ID)));
  }

  dispose(): void {
    disposeFrozen(this.frozen);
    // With tied embeddings the token embedding is the head's weight, already released (a second dispose does nothing).
    for (const tensor of this.frozenTensors.values()) tensor.dispose();
  }
}

/**
 * A `GPT2LMHeadModel` from canonical tensors (see {@link gpt2ExpectedTensors}), taking ownership of
 * their host arrays. Each block's `Conv1D` weights, stored `[in, out]`, are transposed to the
 * `[out, in]` of the model's linear modules (fedtune's {@link HostLinear} layout, PyTorch's
 * `nn.Linear`), so adapters see `c_attn` as a linear map of `n_embd` to 3·`n_embd`; an adapter
 * exported for PEFT must say `fan_in_fan_out: true` for these modules, as PEFT's LoRA on GPT-2
 * expects. With tied embeddings the head is `wte`.
 * @throws ConfigError for a context length outside 1 to `n_positions`; ShapeError for a missing or
 *   misshapen tensor.
 */
export function buildGpt2Model(
  config: Gpt2Config,
  tensors: ReadonlyMap<string, HostTensor>,
  options: Gpt2BuildOptions
): CausalLanguageModel {
  return new Gpt2Model(config, tensors, options);
}
