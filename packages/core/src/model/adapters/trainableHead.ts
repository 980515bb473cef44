import type * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo, ParameterSpec } from '../../contracts/adapter.js';
import { ConfigError } from '../../errors.js';
import type { RandomStream } from '../../random/counterRandom.js';
import { paramTensor } from './adapterParams.js';
import { affine, frozenOf, headModule } from '../architectures/baseModel.js';
import { linearInitBound, symmetricUniform } from './init.js';

/**
 * The fully trained classification head (PEFT's `modules_to_save`), shared by every adapter that
 * trains it. Its flat tensors are `<head>.weight` (`[numClasses, in]`) and `<head>.bias`.
 */
export class TrainableHead {
  /** The base model's head module. */
  readonly module: LinearModuleInfo;
  readonly weightName: string;
  readonly biasName: string;
  /** The head's two tensors, weight then bias. */
  readonly specs: readonly ParameterSpec[];

  constructor(modules: readonly LinearModuleInfo[], readonly numClasses: number) {
    if (!Number.isSafeInteger(numClasses) || numClasses <= 0) {
      throw new ConfigError(
        `numClasses ${numClasses} is not a positive integer; set the number of downstream classes.`
      );
    }
    this.module = headModule(modules);
    this.weightName = `${this.module.name}.weight`;
    this.biasName = `${this.module.name}.bias`;
    this.specs = [
      { name: this.weightName, shape: [numClasses, this.module.inFeatures] },
      { name: this.biasName, shape: [numClasses] },
    ];
  }

  /**
   * Initial weight and bias, concatenated. A base head with `numClasses` outputs is copied (a
   * missing bias starts at 0); otherwise the weight is drawn kaiming-uniform from `stream` and the
   * bias is 0. Only a fresh head consumes draws.
   */
  initialValues(base: ReadonlyMap<string, FrozenLinear>, stream: RandomStream): Float32Array {
    const weightSize = this.numClasses * this.module.inFeatures;
    const out = new Float32Array(weightSize + this.numClasses);
    if (this.module.outFeatures === this.numClasses) {
      const frozen = frozenOf(base, this.module.name);
      out.set(frozen.weight.dataSync(), 0);
      if (frozen.bias !== undefined) out.set(frozen.bias.dataSync(), weightSize);
    } else {
      out.set(symmetricUniform(stream, weightSize, linearInitBound(this.module.inFeatures)), 0);
    }
    return out;
  }

  /** The head's output with the trainable weight and bias. */
  apply(x: tf.Tensor2D, params: ReadonlyMap<string, tf.Tensor>): tf.Tensor2D {
    return affine(
      x,
      paramTensor<tf.Tensor2D>(params, this.weightName),
      paramTensor<tf.Tensor1D>(params, this.biasName)
    );
  }
}
