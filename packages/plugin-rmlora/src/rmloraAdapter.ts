import * as tf from '@tensorflow/tfjs-core';
import {
  paramTensor,
  type Adapter,
  type AdapterInstance,
  type AdapterOptions,
  type LinearModuleInfo,
  type NamedFactory,
  type StepContext,
} from '@fedtune/core';
import { rmloraAdapterDescription } from './components.js';
import { LoraMetricsInstance } from './loraMetricsAdapter.js';
import { loraPairs, type LoraPair } from './loraPairs.js';
import {
  parseRmLoraOptions,
  resolveMaskedRank,
  type ResolvedRmLoraOptions,
  type RmLoraOptions,
} from './options.js';
import { orthogonalityPenalty } from './orthogonalityPenalty.js';
import { directionMask, drawRankDirections } from './rankMask.js';

/** Names of one adapted module's tensors and the 0/1 masks of the rank directions that move this step. */
interface LayerMask {
  pair: LoraPair;
  /** `[r, 1]`: rows of A. */
  a: tf.Tensor2D;
  /** `[1, r]`: columns of B. */
  b: tf.Tensor2D;
}

/**
 * RM-LoRA on core's LoRA: the orthogonality regulariser as `extraLoss`, and per optimiser step a
 * random choice of k of the r rank directions of each layer that may move (rows of A; columns of
 * B, along A's choice in v1 or drawn apart in v2), as a gradient mask and, with
 * `maskMode: "update"`, also as a hard freeze of the other directions after the step. Step 0 of
 * every local run is unmasked, as in the official code; the head is never masked.
 */
export class RmLoraInstance extends LoraMetricsInstance {
  /** The hard freeze of `maskMode: "update"`; absent in `"grad"` mode. */
  readonly afterStep: AdapterInstance['afterStep'];
  private readonly pairs: readonly LoraPair[];

  constructor(
    modules: readonly LinearModuleInfo[],
    settings: AdapterOptions,
    /** The validated options, `maskedRank` resolved. */
    readonly options: ResolvedRmLoraOptions
  ) {
    super(modules, settings, { useRsLora: options.useRsLora });
    this.pairs = loraPairs(this.layout);
    // Only the hard freeze needs the trainer's copy of the pre-step values.
    this.afterStep = options.maskMode === 'update' ? this.freezeMaskedDirections.bind(this) : undefined;
  }

  /** λ·mean over layers of ‖A·Aᵀ − I‖_F and ‖Bᵀ·B − I‖_F; nothing when λ = 0. */
  extraLoss(params: ReadonlyMap<string, tf.Tensor>): tf.Scalar | undefined {
    if (this.options.lambda === 0 || this.pairs.length === 0) return undefined;
    const factors = this.pairs.map((pair) => ({
      a: paramTensor<tf.Tensor2D>(params, pair.a.spec.name),
      b: paramTensor<tf.Tensor2D>(params, pair.b.spec.name),
    }));
    return orthogonalityPenalty(factors, this.options.lambda);
  }

  /** Zeroes the gradient rows of A and columns of B outside this step's k directions; the head passes through. */
  transformGradients(grads: ReadonlyMap<string, tf.Tensor>, context: StepContext): Map<string, tf.Tensor> {
    const out = new Map(grads);
    for (const mask of this.masks(context)) {
      const a = mask.pair.a.spec.name;
      const b = mask.pair.b.spec.name;
      out.set(a, tf.mul(paramTensor(grads, a), mask.a));
      out.set(b, tf.mul(paramTensor(grads, b), mask.b));
    }
    return out;
  }

  /** Puts the masked rows of A and columns of B back to their values before the step. */
  private freezeMaskedDirections(
    params: ReadonlyMap<string, tf.Tensor>,
    before: ReadonlyMap<string, tf.Tensor>,
    context: StepContext
  ): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const mask of this.masks(context)) {
      for (const [name, keep] of [
        [mask.pair.a.spec.name, mask.a],
        [mask.pair.b.spec.name, mask.b],
      ] as const) {
        // after·m + before·(1 − m) is exact for m ∈ {0, 1}: moved entries keep the step, others are restored.
        const moved = tf.mul(paramTensor(params, name), keep);
        out.set(name, tf.add(moved, tf.mul(paramTensor(before, name), tf.sub(1, keep))));
      }
    }
    return out;
  }

  /** This step's masks of every adapted module; none at step 0, which moves every direction. */
  private masks(context: StepContext): LayerMask[] {
    if (context.step === 0) return [];
    const { maskedRank, variant } = this.options;
    const layers = this.pairs.length;
    return this.pairs.map((pair, layer) => {
      const site = { step: context.step, layer, layers };
      const aDirections = drawRankDirections(context.random, { ...site, factor: 'A' }, pair.rank, maskedRank);
      const bDirections =
        variant === 'v1'
          ? aDirections
          : drawRankDirections(context.random, { ...site, factor: 'B' }, pair.rank, maskedRank);
      return {
        pair,
        a: tf.tensor2d(directionMask(aDirections, pair.rank), [pair.rank, 1]),
        b: tf.tensor2d(directionMask(bDirections, pair.rank), [1, pair.rank]),
      };
    });
  }
}

/** RM-LoRA under the name `rmlora` with validated options; `maskedRank` is checked against each instance's rank. */
export function createRmLoraAdapter(options: RmLoraOptions): Adapter {
  return {
    name: 'rmlora',
    create: (modules, settings) => new RmLoraInstance(modules, settings, resolveMaskedRank(options, settings.rank)),
  };
}

/**
 * `rmlora` as a named factory. Options are validated when the run is built, unknown keys refused,
 * except `maskedRank` ≤ rank, which needs the rank and is checked when the adapter is created.
 */
export const rmloraAdapterFactory: NamedFactory<Adapter> = {
  ...rmloraAdapterDescription,
  create: (options) => createRmLoraAdapter(parseRmLoraOptions(options)),
};
