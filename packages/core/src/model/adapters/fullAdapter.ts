import type * as tf from '@tensorflow/tfjs-core';
import type { AdapterInstance, FrozenLinear, LinearModuleInfo, ParameterSpec } from '../../contracts/adapter.js';
import { paramTensor } from './adapterParams.js';
import { affine, frozenOf } from '../architectures/baseModel.js';
import { indexLayout, slotValues, type IndexedLayout, type LayoutSlot } from './parameterLayout.js';

/**
 * Every weight and bias of every module trainable, starting from the base's values: full training,
 * used to pre-train a base. Flat layout `<m>.weight`, `<m>.bias` per module in model order.
 */
export class FullModelInstance implements AdapterInstance {
  readonly layout: readonly ParameterSpec[];
  private readonly indexed: IndexedLayout;

  constructor(private readonly modules: readonly LinearModuleInfo[]) {
    this.layout = modules.flatMap((module) => [
      { name: `${module.name}.weight`, shape: [module.outFeatures, module.inFeatures] },
      { name: `${module.name}.bias`, shape: [module.outFeatures] },
    ]);
    this.indexed = indexLayout(this.layout);
  }

  /** The base's weights; a module without bias starts from a zero bias. */
  initialParameters(base: ReadonlyMap<string, FrozenLinear>): Float32Array {
    const out = new Float32Array(this.indexed.size);
    for (const module of this.modules) {
      const frozen = frozenOf(base, module.name);
      out.set(frozen.weight.dataSync(), this.slot(`${module.name}.weight`).offset);
      if (frozen.bias !== undefined) out.set(frozen.bias.dataSync(), this.slot(`${module.name}.bias`).offset);
    }
    return out;
  }

  linear(
    module: LinearModuleInfo,
    x: tf.Tensor2D,
    _frozen: FrozenLinear,
    params: ReadonlyMap<string, tf.Tensor>
  ): tf.Tensor2D {
    return affine(
      x,
      paramTensor<tf.Tensor2D>(params, `${module.name}.weight`),
      paramTensor<tf.Tensor1D>(params, `${module.name}.bias`)
    );
  }

  /** One module's weight and bias out of a flat vector of this layout. */
  moduleValues(params: Float32Array, name: string): { weight: Float32Array; bias: Float32Array } {
    return {
      weight: slotValues(params, this.slot(`${name}.weight`)).slice(),
      bias: slotValues(params, this.slot(`${name}.bias`)).slice(),
    };
  }

  private slot(name: string): LayoutSlot {
    return this.indexed.byName.get(name) as LayoutSlot;
  }
}
