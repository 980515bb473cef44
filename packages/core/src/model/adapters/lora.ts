import type * as tf from '@tensorflow/tfjs-core';
import type {
  Adapter,
  AdapterInstance,
  AdapterOptions,
  FrozenLinear,
  LinearModuleInfo,
  ParameterSpec,
  PeftLoraForm,
} from '../../contracts/adapter.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { loraAdapterDescription } from '../../builtins/adapterDescriptions.js';
import { parseOptions } from '../../builtins/options.js';
import { ConfigError } from '../../errors.js';
import { RandomStream, type RandomKey } from '../../random/counterRandom.js';
import { paramTensor } from './adapterParams.js';
import { linearInitBound, symmetricUniform } from './init.js';
import { loraLinear } from './loraLinear.js';
import { loraOptionsSchema, type LoraOptions } from './loraOptions.js';
import { checkFlatLength, indexLayout, slotValues, type IndexedLayout, type LayoutSlot } from './parameterLayout.js';
import { resolveTargetModules } from './targetModules.js';
import { TrainableHead } from './trainableHead.js';

/** LoRA's scaling factor: α/r, or α/√r with rank-stabilised LoRA. */
export function loraScale(rank: number, alpha: number, useRsLora: boolean): number {
  return useRsLora ? alpha / Math.sqrt(rank) : alpha / rank;
}

/**
 * The alpha that gives a rank-`sliceRank` slice of a rank-`rank` adapter the full adapter's scale,
 * so the slice computes exactly the first `sliceRank` terms of the full adapter's sum (HeteroFL's
 * nested sub-models); a slice with its own α/r_m would rescale every shared rank-one term.
 */
export function sliceAlpha(alpha: number, rank: number, sliceRank: number, useRsLora: boolean): number {
  return useRsLora ? alpha * Math.sqrt(sliceRank / rank) : (alpha * sliceRank) / rank;
}

export { loraOptionsSchema, type LoraOptions } from './loraOptions.js';

interface LoraTarget {
  module: LinearModuleInfo;
  aName: string;
  bName: string;
}

class LoraInstance implements AdapterInstance {
  readonly layout: readonly ParameterSpec[];
  readonly peftLora: PeftLoraForm;
  private readonly settings: AdapterOptions;
  private readonly useRsLora: boolean;
  private readonly rank: number;
  private readonly scale: number;
  private readonly random: RandomKey;
  private readonly targets: ReadonlyMap<string, LoraTarget>;
  private readonly head: TrainableHead;
  private readonly indexed: IndexedLayout;

  constructor(modules: readonly LinearModuleInfo[], settings: AdapterOptions, options: LoraOptions) {
    const { rank, alpha } = settings;
    if (!Number.isSafeInteger(rank) || rank <= 0) {
      throw new ConfigError(`LoRA rank ${rank} is not a positive integer; set adapter.rank (e.g. 4).`);
    }
    if (!Number.isFinite(alpha) || alpha <= 0) {
      throw new ConfigError(`LoRA alpha ${alpha} is not a positive number; set adapter.alpha (e.g. 8).`);
    }
    const { useRsLora } = options;
    const targets = resolveTargetModules(modules, settings.targetModules);
    this.head = new TrainableHead(modules, settings.numClasses, { frozen: settings.frozenHead, withoutBias: settings.headWithoutBias });
    this.settings = settings;
    this.useRsLora = useRsLora;
    this.rank = rank;
    this.random = settings.random;
    this.scale = loraScale(rank, alpha, useRsLora);
    this.targets = new Map(
      targets.map((module) => [
        module.name,
        { module, aName: `${module.name}.lora_A.weight`, bName: `${module.name}.lora_B.weight` },
      ])
    );
    this.layout = [
      ...targets.flatMap((module) => [
        { name: `${module.name}.lora_A.weight`, shape: [rank, module.inFeatures] },
        { name: `${module.name}.lora_B.weight`, shape: [module.outFeatures, rank] },
      ]),
      ...this.head.specs,
    ];
    this.indexed = indexLayout(this.layout);
    this.peftLora = {
      rank,
      alpha,
      useRsLora,
      targetModules: targets.map((module) => module.name),
      modulesToSave: this.head.frozen ? [] : [this.head.module.name],
    };
  }

  /** The same targets and head at a lower rank, with the alpha that keeps this instance's scale (see {@link sliceAlpha}). */
  sliceSettings(rank: number): AdapterOptions {
    if (!Number.isSafeInteger(rank) || rank <= 0 || rank > this.rank) {
      throw new ConfigError(
        `LoRA slice rank ${rank} is not a whole number from 1 to the adapter's rank ${this.rank}; set every client rank at most ${this.rank}.`
      );
    }
    return { ...this.settings, rank, alpha: sliceAlpha(this.settings.alpha, this.rank, rank, this.useRsLora) };
  }

  /** A kaiming-uniform (PEFT's bound 1/√in), B zero, the head as {@link TrainableHead} starts it. */
  initialParameters(base: ReadonlyMap<string, FrozenLinear>): Float32Array {
    const out = new Float32Array(this.indexed.size);
    const stream = new RandomStream(this.random);
    for (const target of this.targets.values()) {
      const slot = this.slot(target.aName);
      out.set(symmetricUniform(stream, slot.size, linearInitBound(target.module.inFeatures)), slot.offset);
    }
    if (!this.head.frozen) out.set(this.head.initialValues(base, stream), this.slot(this.head.weightName).offset);
    return out;
  }

  linear(
    module: LinearModuleInfo,
    x: tf.Tensor2D,
    frozen: FrozenLinear,
    params: ReadonlyMap<string, tf.Tensor>
  ): tf.Tensor2D | undefined {
    if (this.head.trains(module)) return this.head.apply(x, params);
    const target = this.targets.get(module.name);
    if (target === undefined) return undefined;
    return loraLinear(x, frozen, paramTensor(params, target.aName), paramTensor(params, target.bName), this.scale);
  }

  /** (α/r)·B·A per adapted module, `[out, in]` row-major. */
  mergedDeltas(params: Float32Array): Map<string, Float32Array> {
    checkFlatLength(params, this.indexed, 'LoRA parameters');
    const rank = this.rank;
    const deltas = new Map<string, Float32Array>();
    for (const { module, aName, bName } of this.targets.values()) {
      const a = slotValues(params, this.slot(aName));
      const b = slotValues(params, this.slot(bName));
      const { inFeatures, outFeatures } = module;
      const delta = new Float32Array(outFeatures * inFeatures);
      for (let o = 0; o < outFeatures; o++) {
        for (let k = 0; k < rank; k++) {
          const coefficient = this.scale * (b[o * rank + k] as number);
          if (coefficient === 0) continue;
          for (let i = 0; i < inFeatures; i++) {
            delta[o * inFeatures + i] =
              (delta[o * inFeatures + i] as number) + coefficient * (a[k * inFeatures + i] as number);
          }
        }
      }
      deltas.set(module.name, delta);
    }
    return deltas;
  }

  private slot(name: string): LayoutSlot {
    return this.indexed.byName.get(name) as LayoutSlot;
  }
}

/**
 * LoRA: each target module (default: every non-head linear module) computes
 * y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ with A `[r, in]`, B `[out, r]` and s = α/r (α/√r with
 * `useRsLora`), and the head is trained in full (or kept frozen with `frozenHead`). Flat layout:
 * `<m>.lora_A.weight`, `<m>.lora_B.weight` per target in model order, then `<head>.weight`,
 * `<head>.bias` when the head is trained (the weight alone with `headWithoutBias`).
 */
export function createLoraAdapter(options: LoraOptions): Adapter {
  return {
    name: 'lora',
    create: (modules, settings) => new LoraInstance(modules, settings, options),
  };
}

/** {@link createLoraAdapter} with the default options (scale α/r). */
export const loraAdapter: Adapter = createLoraAdapter(loraOptionsSchema.parse({}));

/** LoRA under the name `lora`; its `options` are {@link loraOptionsSchema}, unknown keys refused. */
export const loraAdapterFactory: NamedFactory<Adapter> = {
  ...loraAdapterDescription,
  create: (options) => createLoraAdapter(parseOptions('adapter lora', loraOptionsSchema, options)),
};
