import type * as tf from '@tensorflow/tfjs-core';
import type { Adapter, AdapterInstance, AdapterOptions, FrozenLinear, LinearModuleInfo } from '../../contracts/adapter.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { headOnlyAdapterDescription } from '../../builtins/adapterDescriptions.js';
import { NO_OPTIONS, parseOptions } from '../../builtins/options.js';
import { RandomStream, type RandomKey } from '../../random/counterRandom.js';
import { TrainableHead } from './trainableHead.js';

class HeadOnlyInstance implements AdapterInstance {
  private readonly head: TrainableHead;
  private readonly random: RandomKey;

  constructor(modules: readonly LinearModuleInfo[], private readonly settings: AdapterOptions) {
    this.head = new TrainableHead(modules, settings.numClasses, { withoutBias: settings.headWithoutBias });
    this.random = settings.random;
  }

  /** The head has no rank: a client given any rank trains the whole head, as every other client does. */
  sliceSettings(): AdapterOptions {
    return this.settings;
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
 * (`<head>.weight`, and `<head>.bias` unless `headWithoutBias`) is trained. Rank, alpha and target modules do not apply and are
 * ignored, so a comparison run can share the LoRA run's adapter settings. PEFT's LoRA cannot hold
 * it, so it has no {@link AdapterInstance.peftLora}.
 */
export const headOnlyAdapter: Adapter = {
  name: 'head',
  create: (modules, settings) => new HeadOnlyInstance(modules, settings),
};

/** {@link headOnlyAdapter} under the name `head`; it takes no `options`, and refuses any. */
export const headOnlyAdapterFactory: NamedFactory<Adapter> = {
  ...headOnlyAdapterDescription,
  create: (options) => {
    parseOptions('adapter head', NO_OPTIONS, options);
    return headOnlyAdapter;
  },
};
