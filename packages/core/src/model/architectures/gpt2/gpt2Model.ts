import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../../contracts/adapter.js';
import { ShapeError } from '../../../errors.js';
import { frozenFromHost, type HostLinear, type HostTensor, type LinearFunction } from '../baseModel.js';
import type { CausalLanguageModel } from '../huggingface/hfArchitecture.js';
import { checkHfContextLength, HfCausalModel } from '../huggingface/hfCausalModel.js';
import { checkHfTokenIds } from '../huggingface/hfTokenIds.js';
import type { Gpt2Config } from './gpt2Config.js';
import { gpt2HiddenStates } from './gpt2Forward.js';
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

class Gpt2Model extends HfCausalModel {
  constructor(
    private readonly config: Gpt2Config,
    private readonly blocks: readonly Gpt2BlockModules[],
    tensors: ReadonlyMap<string, HostTensor>,
    options: Gpt2BuildOptions
  ) {
    const head = gpt2HeadModule(config);
    const blockModules = blocks.flatMap((block) => [block.qkv, block.attentionOut, block.mlpIn, block.mlpOut]);
    const modules = [...blockModules, head];
    const host = (name: string) => tensors.get(name) as HostTensor;
    const frozen = new Map<string, FrozenLinear>();
    const freeze = (module: LinearModuleInfo, weights: HostLinear) => {
      frozen.set(module.name, frozenFromHost([module], new Map([[module.name, weights]])).get(module.name) as FrozenLinear);
    };
    // One module at a time: each transposed host copy is garbage once its tensors exist, so a load
    // never holds a second host copy of every block beside the stored weights (340 MB at 124M).
    for (const module of blockModules) {
      const weight = linearFromConv1d(host(`${module.name}.weight`).data, module.inFeatures, module.outFeatures);
      freeze(module, { weight, bias: host(`${module.name}.bias`).data });
    }
    // Tied, the head is the token embedding, whatever lm_head.weight the file also holds (as Hugging Face ties them).
    const headWeight = config.tieWordEmbeddings ? GPT2_TOKEN_EMBEDDING : GPT2_HEAD_WEIGHT;
    freeze(head, { weight: host(headWeight).data, bias: undefined });
    const frozenTensor = (name: string) => {
      const { data, shape } = host(name);
      return tf.tensor(data, [...shape]);
    };
    const embedding = config.tieWordEmbeddings
      ? // The head's frozen weight holds the very same values: one copy serves both.
        (frozen.get(head.name) as FrozenLinear).weight
      : frozenTensor(GPT2_TOKEN_EMBEDDING);
    const norms = gpt2NormNames(config).flatMap((norm) => [`${norm}.weight`, `${norm}.bias`]);
    const frozenTensors = new Map<string, tf.Tensor>([
      [GPT2_TOKEN_EMBEDDING, embedding],
      [GPT2_POSITION_EMBEDDING, frozenTensor(GPT2_POSITION_EMBEDDING)],
      ...norms.map((name): [string, tf.Tensor] => [name, frozenTensor(name)]),
    ]);
    super(GPT2_MODEL_TYPE, config, options, { modules, frozen, frozenTensors });
  }

  hiddenStates(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    checkHfTokenIds(ids, { family: 'GPT-2', vocabSize: this.vocabSize, contextLength: this.contextLength });
    return gpt2HiddenStates(this.config, this.blocks, (name) => this.tensor(name), ids, linear);
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
  checkHfContextLength('GPT-2', options.contextLength, config.positions, 'n_positions');
  checkTensors(config, tensors);
  return new Gpt2Model(config, gpt2BlockModules(config), tensors, options);
}
