import type * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo, ParameterSpec } from '../../contracts/adapter.js';
import { ConfigError } from '../../errors.js';
import type { RandomStream } from '../../random/counterRandom.js';
import { paramTensor } from './adapterParams.js';
import { affine, frozenOf, headModule } from '../architectures/baseModel.js';
import { linearInitBound, symmetricUniform } from './init.js';

/** How a {@link TrainableHead} is trained. */
export interface TrainableHeadOptions {
  /** Keep the base's head as it is (see `AdapterOptions.frozenHead`). */
  frozen?: boolean | undefined;
  /** Train a weight and no bias (see `AdapterOptions.headWithoutBias`). */
  withoutBias?: boolean | undefined;
}

/**
 * The fully trained classification head (PEFT's `modules_to_save`), shared by every adapter that
 * trains it. Its flat tensors are `<head>.weight` (`[numClasses, in]`) and `<head>.bias`, or the
 * weight alone `withoutBias`. With `frozen` (see `AdapterOptions.frozenHead`) it has none: the
 * base's head computes the outputs.
 */
export class TrainableHead {
  /** The base model's head module. */
  readonly module: LinearModuleInfo;
  readonly weightName: string;
  /** Absent for a head trained without a bias. */
  readonly biasName: string | undefined;
  /** The head's tensors, weight then bias; none when the head stays frozen. */
  readonly specs: readonly ParameterSpec[];
  /** The base's head stays as it is; its outputs are then the `numClasses` classes. */
  readonly frozen: boolean;

  /**
   * @throws ConfigError for a `numClasses` that is not a positive integer, or that a frozen head
   *   does not give.
   */
  constructor(
    modules: readonly LinearModuleInfo[],
    readonly numClasses: number,
    options: TrainableHeadOptions = {}
  ) {
    const frozen = options.frozen ?? false;
    this.frozen = frozen;
    if (!Number.isSafeInteger(numClasses) || numClasses <= 0) {
      throw new ConfigError(
        `numClasses ${numClasses} is not a positive integer; set the number of downstream classes.`
      );
    }
    this.module = headModule(modules);
    if (frozen && this.module.outFeatures !== numClasses) {
      throw new ConfigError(
        `the head "${this.module.name}" gives ${this.module.outFeatures} outputs but the task has ${numClasses} classes, so it cannot stay frozen; train the head for this task.`
      );
    }
    this.weightName = `${this.module.name}.weight`;
    this.biasName = options.withoutBias === true ? undefined : `${this.module.name}.bias`;
    const weight = { name: this.weightName, shape: [numClasses, this.module.inFeatures] };
    if (frozen) this.specs = [];
    else this.specs = this.biasName === undefined ? [weight] : [weight, { name: this.biasName, shape: [numClasses] }];
  }

  /** Whether `module` is the head and this adapter trains it (computing it with {@link TrainableHead.apply}). */
  trains(module: LinearModuleInfo): boolean {
    return !this.frozen && module.name === this.module.name;
  }

  /**
   * Initial weight and bias, concatenated. A base head with `numClasses` outputs is copied (a
   * missing bias starts at 0, a head without bias leaves the base's out); otherwise the weight is
   * drawn kaiming-uniform from `stream` and the bias is 0. Only a fresh head consumes draws; a
   * frozen head has no values.
   */
  initialValues(base: ReadonlyMap<string, FrozenLinear>, stream: RandomStream): Float32Array {
    if (this.frozen) return new Float32Array(0);
    const weightSize = this.numClasses * this.module.inFeatures;
    const out = new Float32Array(weightSize + (this.biasName === undefined ? 0 : this.numClasses));
    if (this.module.outFeatures === this.numClasses) {
      const frozen = frozenOf(base, this.module.name);
      out.set(frozen.weight.dataSync(), 0);
      if (frozen.bias !== undefined && this.biasName !== undefined) out.set(frozen.bias.dataSync(), weightSize);
    } else {
      out.set(symmetricUniform(stream, weightSize, linearInitBound(this.module.inFeatures)), 0);
    }
    return out;
  }

  /** The head's output with the trainable weight and bias (x·Wᵀ alone without a bias). */
  apply(x: tf.Tensor2D, params: ReadonlyMap<string, tf.Tensor>): tf.Tensor2D {
    return affine(
      x,
      paramTensor<tf.Tensor2D>(params, this.weightName),
      this.biasName === undefined ? undefined : paramTensor<tf.Tensor1D>(params, this.biasName)
    );
  }
}
