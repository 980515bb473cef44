import { UniformSelector, type SamplingContext, type Selector, type UploadContext } from '@fedtune/core';

/**
 * A selector that samples participants uniformly (core's {@link UniformSelector}) and leaves the
 * upload decision to a lazy skip rule: what AQUILA's and LAQ's selectors have in common.
 */
export abstract class SampledLazySelector implements Selector {
  abstract readonly name: string;
  /** Both rules weigh the last global step ‖θ^k − θ^{k−1}‖². */
  readonly usesPreviousGlobal = true;
  private readonly sampler: UniformSelector;

  constructor(fraction: number) {
    this.sampler = new UniformSelector(fraction);
  }

  sample(context: SamplingContext): number[] {
    return this.sampler.sample(context);
  }

  abstract shouldUpload(context: UploadContext): boolean;
}
