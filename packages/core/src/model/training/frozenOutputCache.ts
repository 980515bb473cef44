import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear } from '../../contracts/adapter.js';
import type { FeatureSet } from '../../data/types.js';
import { frozenLinear } from '../architectures/baseModel.js';

/**
 * The most one feature set's cache may hold for one module. Past it (a large image folder through a
 * wide first layer) that module's product is computed in every step, as without a cache.
 */
export const MAX_FROZEN_CACHE_BYTES = 256 * 2 ** 20;

/** One module's cached outputs for one feature set: `count × out` values and which rows are filled. */
interface CachedRows {
  values: Float32Array;
  filled: Uint8Array;
}

/** A module fed the network's own input, with its frozen weights. */
export interface InputModule {
  name: string;
  outFeatures: number;
  frozen: FrozenLinear;
}

/**
 * The frozen outputs x·Wᵀ + b of the modules fed the network's own input, per example of a feature
 * set. Such an output depends on the example alone, so it is computed the first time the example
 * is batched and gathered from here in every later step, epoch, round and evaluation: on the
 * quickstart's MLP that first product is most of a step's multiply-adds.
 *
 * Each row is computed by the same kernel as the step computes it (`frozenLinear`), and a row of a
 * matrix product depends on that row alone, so cached and recomputed outputs are the same values.
 * Feature sets are keyed by identity and held weakly: a set the engine lets go takes its cache with it.
 */
export class FrozenOutputCache {
  private readonly bySource = new WeakMap<FeatureSet, Map<string, CachedRows>>();
  /** Per module, the gathered outputs of the current batch (`capacity × out`), reused every batch. */
  private readonly batchRows: Map<string, Float32Array>;

  /**
   * @param modules the modules fed the network's input whose outputs to cache.
   * @param capacity the most examples one batch holds.
   * @param maxBytes the most one feature set's cache may hold for one module.
   */
  constructor(
    private readonly modules: readonly InputModule[],
    private readonly capacity: number,
    private readonly maxBytes = MAX_FROZEN_CACHE_BYTES
  ) {
    this.batchRows = new Map(modules.map((module) => [module.name, new Float32Array(capacity * module.outFeatures)]));
  }

  /**
   * The frozen outputs of examples `order[from] … order[from + count − 1]` of `source`, one
   * `count × out` tensor per module the cache holds for `source`. `input` is those examples'
   * features as the batch's tensor: where the cache lacks a row, the module's product is computed
   * on it. Indices must already be checked against `source` (the batch buffer does so). Call inside
   * a `tf.tidy`: the tensors are the caller's.
   */
  batchOutputs(
    source: FeatureSet,
    order: ArrayLike<number>,
    from: number,
    count: number,
    input: tf.Tensor2D
  ): Map<string, tf.Tensor2D> {
    const outputs = new Map<string, tf.Tensor2D>();
    if (count > this.capacity) return outputs;
    const cached = this.cachedFor(source);
    for (const module of this.modules) {
      const rows = cached.get(module.name);
      if (rows === undefined) continue;
      this.fillMissing(module, rows, order, from, count, input);
      const out = module.outFeatures;
      const batch = this.batchRows.get(module.name) as Float32Array;
      for (let row = 0; row < count; row++) {
        const index = order[from + row] as number;
        batch.set(rows.values.subarray(index * out, (index + 1) * out), row * out);
      }
      outputs.set(module.name, tf.tensor2d(batch.subarray(0, count * out), [count, out]));
    }
    return outputs;
  }

  private cachedFor(source: FeatureSet): Map<string, CachedRows> {
    let cached = this.bySource.get(source);
    if (cached === undefined) {
      cached = new Map();
      for (const module of this.modules) {
        const values = source.count * module.outFeatures;
        if (values * Float32Array.BYTES_PER_ELEMENT > this.maxBytes) continue;
        cached.set(module.name, { values: new Float32Array(values), filled: new Uint8Array(source.count) });
      }
      this.bySource.set(source, cached);
    }
    return cached;
  }

  /** Writes the batch's rows the cache does not hold yet from the module's product on the batch. */
  private fillMissing(
    module: InputModule,
    rows: CachedRows,
    order: ArrayLike<number>,
    from: number,
    count: number,
    input: tf.Tensor2D
  ): void {
    let product: Float32Array | undefined;
    const out = module.outFeatures;
    for (let row = 0; row < count; row++) {
      const index = order[from + row] as number;
      if (rows.filled[index] === 1) continue;
      // The step's own kernel on the step's own batch: the rows are the values it would compute.
      product ??= readProduct(input, module.frozen);
      rows.values.set(product.subarray(row * out, (row + 1) * out), index * out);
      rows.filled[index] = 1;
    }
  }
}

/** The frozen module's product on `input`, read back to the host. */
function readProduct(input: tf.Tensor2D, frozen: FrozenLinear): Float32Array {
  const product = frozenLinear(input, frozen);
  const values = product.dataSync() as Float32Array;
  product.dispose();
  return values;
}
