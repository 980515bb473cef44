import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../../contracts/adapter.js';
import { ConfigError } from '../../../errors.js';
import { disposeFrozen, type LinearFunction } from '../baseModel.js';
import { lastPositionRows } from '../transformerLayers.js';
import { HF_PAD_ID, type CausalLanguageModel, type HfArchitecture } from './hfArchitecture.js';

/**
 * Refuses a context length a family's model cannot take: it must be an integer from 1 to `most`,
 * the config.json `field` that sets it. Checked before the build allocates anything sized by it.
 * @throws ConfigError naming the family, the length, the range and the field.
 */
export function checkHfContextLength(family: string, contextLength: number, most: number, field: string): void {
  if (!Number.isSafeInteger(contextLength) || contextLength < 1 || contextLength > most) {
    throw new ConfigError(
      `A ${family} context length of ${contextLength} is not possible: it must be an integer from 1 to ${most} (${field}); choose a context length in that range.`
    );
  }
}

/** A family model's frozen weights, made from the checkpoint's tensors. */
export interface HfFrozenWeights {
  /** Every linear module in forward order, the head last. */
  readonly modules: readonly LinearModuleInfo[];
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  /** The frozen tensors outside the linear modules; a tied embedding may be the head's own weight. */
  readonly frozenTensors: ReadonlyMap<string, tf.Tensor>;
}

/**
 * What GPT-2 and LLaMA models share around their own {@link CausalLanguageModel.hiddenStates}:
 * the LM head over every position or over each row's last real token, and their release.
 */
export abstract class HfCausalModel implements CausalLanguageModel {
  readonly architecture: string;
  readonly modelType: string;
  readonly contextLength: number;
  readonly inputSize: number;
  readonly vocabSize: number;
  readonly numClasses: number;
  readonly hiddenSize: number;
  readonly modules: readonly LinearModuleInfo[];
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  readonly frozenTensors: ReadonlyMap<string, tf.Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
  protected readonly head: LinearModuleInfo;

  /**
   * @param family the registry name and config.json `model_type` (`gpt2`): the model's `architecture`.
   * @param options the build's, as {@link HfArchitecture.build} receives them; `metadata` is the
   *   loader's provenance, to which the model adds its own entries.
   */
  protected constructor(
    family: string,
    sizes: { readonly vocabSize: number; readonly hiddenSize: number },
    options: Parameters<HfArchitecture['build']>[2],
    weights: HfFrozenWeights
  ) {
    this.architecture = family;
    this.modelType = family;
    this.contextLength = options.contextLength;
    this.inputSize = options.contextLength;
    this.vocabSize = sizes.vocabSize;
    this.numClasses = sizes.vocabSize;
    this.hiddenSize = sizes.hiddenSize;
    ({ modules: this.modules, frozen: this.frozen, frozenTensors: this.frozenTensors } = weights);
    this.head = this.modules[this.modules.length - 1] as LinearModuleInfo;
    // The model's own entries win, so the metadata always describes this very model.
    this.metadata = { ...options.metadata, architecture: family, contextLength: String(options.contextLength) };
  }

  abstract hiddenStates(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D;

  /** A frozen tensor outside the linear modules, by canonical name. */
  protected tensor(name: string): tf.Tensor {
    return this.frozenTensors.get(name) as tf.Tensor;
  }

  positionLogits(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    return linear(this.head, this.hiddenStates(ids, linear));
  }

  /** Next-token logits `[batch, vocab]` at each row's last real (non-padding) token. */
  forward(ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    return linear(this.head, tf.gather(this.hiddenStates(ids, linear), lastPositionRows(ids, HF_PAD_ID)));
  }

  dispose(): void {
    disposeFrozen(this.frozen);
    // A tied embedding is the head's weight, already released (releasing twice is harmless).
    for (const tensor of this.frozenTensors.values()) tensor.dispose();
  }
}
