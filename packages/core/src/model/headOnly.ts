import type * as tf from '@tensorflow/tfjs-core';
import type { Adapter, AdapterInstance, AdapterOptions, FrozenLinear, LinearModuleInfo } from '../contracts/adapter.js';
import type { NamedFactory } from '../contracts/tokens.js';
import { RandomStream, type RandomKey } from '../random/counterRandom.js';
import { TrainableHead } from './trainableHead.js';

class HeadOnlyInstance implements AdapterInstance {
  private readonly head: TrainableHead;
  private readonly random: RandomKey;

  constructor(modules: readonly LinearModuleInfo[], options: AdapterOptions) {
    this.head = new TrainableHead(modules, options.numClasses);
    this.random = options.random;
  }

  get layout(): AdapterInstance['layout'] {
    return this.head.specs;
  }

  initialParameters(base: ReadonlyMap<string, FrozenLinear>): Float32Array {
    return this.head.initialValues(base, new RandomStream(this.random));
  }

  linear(
    module: LinearModuleInfo,
    x: tf.Tensor2D,
    _frozen: FrozenLinear,
    params: ReadonlyMap<string, tf.Tensor>
  ): tf.Tensor2D | undefined {
    return module.name === this.head.module.name ? this.head.apply(x, params) : undefined;
  }
}

/**
 * The head-only fine-tuning baseline: every base module stays frozen and only the head
 * (`<head>.weight`, `<head>.bias`) is trained. Rank, alpha, target modules and `extra` do not
 * apply and are ignored, so a comparison run can share the LoRA run's adapter settings.
 */
export const headOnlyAdapter: Adapter = {
  name: 'head',
  create: (modules, options) => new HeadOnlyInstance(modules, options),
};

/** {@link headOnlyAdapter} under the name `head`. */
export const headOnlyAdapterFactory: NamedFactory<Adapter> = {
  name: 'head',
  plugin: '@fedtune/core',
  create: () => headOnlyAdapter,
};
