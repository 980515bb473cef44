import * as tf from '@tensorflow/tfjs-core';
import type {
  Adapter,
  AdapterInstance,
  AdapterOptions,
  FrozenLinear,
  LinearModuleInfo,
  ParameterSpec,
} from '../contracts/adapter.js';
import type { NamedFactory } from '../contracts/tokens.js';
import { ConfigError } from '../errors.js';
import { RandomStream, type RandomKey } from '../random/counterRandom.js';
import { paramTensor } from './adapterParams.js';
import { frozenLinear, timesTransposed } from './baseModel.js';
import { linearInitBound, symmetricUniform } from './init.js';
import { checkFlatLength, indexLayout, slotValues, type IndexedLayout, type LayoutSlot } from './parameterLayout.js';
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

interface LoraTarget {
  module: LinearModuleInfo;
  aName: string;
  bName: string;
}

/** Adapted modules in model order; a {@link ConfigError} names an unknown or misplaced target. */
function resolveTargets(
  modules: readonly LinearModuleInfo[],
  requested: readonly string[] | undefined
): LinearModuleInfo[] {
  const candidates = modules.filter((module) => !module.isHead);
  if (requested === undefined) return candidates;
  const available = candidates.map((module) => module.name).join(', ');
  if (requested.length === 0) {
    throw new ConfigError(`targetModules is empty; list modules to adapt (available: ${available}) or omit it.`);
  }
  const wanted = new Set<string>();
  for (const name of requested) {
    const module = modules.find((candidate) => candidate.name === name);
    if (module === undefined) {
      throw new ConfigError(`Target module "${name}" does not exist; available modules: ${available}.`);
    }
    if (module.isHead) {
      throw new ConfigError(
        `Target module "${name}" is the head, which LoRA trains in full; remove it from targetModules (available: ${available}).`
      );
    }
    if (wanted.has(name)) throw new ConfigError(`Target module "${name}" is listed twice; list it once.`);
    wanted.add(name);
  }
  return candidates.filter((module) => wanted.has(module.name));
}

function readUseRsLora(extra: AdapterOptions['extra']): boolean {
  const value = extra?.['useRsLora'] ?? false;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`Adapter option useRsLora is ${JSON.stringify(value)}; set it to true or false.`);
  }
  return value;
}

class LoraInstance implements AdapterInstance {
  readonly layout: readonly ParameterSpec[];
  private readonly rank: number;
  private readonly scale: number;
  private readonly random: RandomKey;
  private readonly targets: ReadonlyMap<string, LoraTarget>;
  private readonly head: TrainableHead;
  private readonly indexed: IndexedLayout;

  constructor(modules: readonly LinearModuleInfo[], options: AdapterOptions) {
    const { rank, alpha } = options;
    if (!Number.isSafeInteger(rank) || rank <= 0) {
      throw new ConfigError(`LoRA rank ${rank} is not a positive integer; set adapter.rank (e.g. 4).`);
    }
    if (!Number.isFinite(alpha) || alpha <= 0) {
      throw new ConfigError(`LoRA alpha ${alpha} is not a positive number; set adapter.alpha (e.g. 8).`);
    }
    const useRsLora = readUseRsLora(options.extra);
    const targets = resolveTargets(modules, options.targetModules);
    this.head = new TrainableHead(modules, options.numClasses);
    this.rank = rank;
    this.random = options.random;
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
  }

  /** A kaiming-uniform (PEFT's bound 1/√in), B zero, the head as {@link TrainableHead} starts it. */
  initialParameters(base: ReadonlyMap<string, FrozenLinear>): Float32Array {
    const out = new Float32Array(this.indexed.size);
    const stream = new RandomStream(this.random);
    for (const target of this.targets.values()) {
      const slot = this.slot(target.aName);
      out.set(symmetricUniform(stream, slot.size, linearInitBound(target.module.inFeatures)), slot.offset);
    }
    out.set(this.head.initialValues(base, stream), this.slot(this.head.weightName).offset);
    return out;
  }

  linear(
    module: LinearModuleInfo,
    x: tf.Tensor2D,
    frozen: FrozenLinear,
    params: ReadonlyMap<string, tf.Tensor>
  ): tf.Tensor2D | undefined {
    if (module.name === this.head.module.name) return this.head.apply(x, params);
    const target = this.targets.get(module.name);
    if (target === undefined) return undefined;
    // Scaling the [batch, r] product is cheaper than scaling either the input or the output.
    const down = tf.mul<tf.Tensor2D>(timesTransposed(x, paramTensor(params, target.aName)), this.scale);
    const up = timesTransposed(down, paramTensor(params, target.bName));
    return tf.add<tf.Tensor2D>(frozenLinear(x, frozen), up);
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
 * `extra.useRsLora`), and the head is trained in full. Flat layout: `<m>.lora_A.weight`,
 * `<m>.lora_B.weight` per target in model order, then `<head>.weight`, `<head>.bias`.
 * Reads only `extra.useRsLora`; other `extra` keys belong to other adapters and are ignored.
 */
export const loraAdapter: Adapter = {
  name: 'lora',
  create: (modules, options) => new LoraInstance(modules, options),
};

/** {@link loraAdapter} under the name `lora`; its settings come per run through `AdapterOptions`. */
export const loraAdapterFactory: NamedFactory<Adapter> = {
  name: 'lora',
  plugin: '@fedtune/core',
  create: () => loraAdapter,
};
