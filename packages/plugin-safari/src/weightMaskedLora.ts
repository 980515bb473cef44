import {
  createLoraAdapter,
  FedtuneError,
  indexLayout,
  parseOptions,
  RandomStream,
  ReferenceBackend,
  type Adapter,
  type AdapterInstance,
  type LayoutSlot,
  type NamedFactory,
  type RandomKey,
  type StepContext,
} from '@fedtune/core';
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import { weightMaskedLoraAdapterDescription } from './components.js';
import { weightMaskedLoraOptionsSchema } from './options.js';
import { keptCount } from './sparsity.js';
import { SafariStreams } from './streams.js';

/** Masks are integer outputs, identical on every backend by contract, so the reference kernels serve any run. */
const maskKernels = new ReferenceBackend();

/** Per-tensor 0/1 masks (as floats, ready to multiply gradients), keyed by layout name. */
type Masks = ReadonlyMap<string, Float32Array>;

/**
 * SAFARI's official sparse learning on a LoRA adapter: before local training each tensor keeps
 * its round((1 − sparsity)·size) entries of largest |w| in the starting (global) weights, and
 * only those train — the other entries' gradients are zeroed, so with a fresh optimiser their
 * update is exactly 0. Equal magnitudes (LoRA's B starts at 0) are kept in a random order drawn
 * from (seed, round), the same for every client, so the mask is a function of the global model
 * and the round, as with the official magnitude pruner.
 */
export class WeightMaskedLora implements AdapterInstance {
  readonly layout: AdapterInstance['layout'];
  readonly initialParameters: AdapterInstance['initialParameters'];
  readonly linear: AdapterInstance['linear'];
  readonly mergedDeltas: AdapterInstance['mergedDeltas'];
  readonly metrics: AdapterInstance['metrics'];
  readonly peftLora: AdapterInstance['peftLora'];
  readonly sliceSettings: AdapterInstance['sliceSettings'];
  private readonly slots: readonly LayoutSlot[];
  /** A pure cache: the masks of the last starting vector seen (every client of a round starts from the same one). */
  private cached: { start: Float32Array; round: number; seed: number; masks: Masks } | undefined;

  constructor(lora: AdapterInstance, readonly sparsity: number) {
    this.layout = lora.layout;
    this.initialParameters = lora.initialParameters.bind(lora);
    this.linear = lora.linear.bind(lora);
    this.mergedDeltas = lora.mergedDeltas?.bind(lora);
    this.metrics = lora.metrics?.bind(lora);
    // The mask changes what trains, not what the parameters mean: export and slices are LoRA's.
    this.peftLora = lora.peftLora;
    this.sliceSettings = lora.sliceSettings?.bind(lora);
    this.slots = indexLayout(lora.layout).slots;
  }

  transformGradients(grads: ReadonlyMap<string, tf.Tensor>, context: StepContext): Map<string, tf.Tensor> {
    const masks = this.masksFor(context);
    return new Map(
      [...grads].map(([name, gradient]) => [
        name,
        tf.mul(gradient, tf.tensor(masks.get(name) as Float32Array, gradient.shape)),
      ]),
    );
  }

  /** The masks of the weights local training starts from; see {@link weightMasks}. */
  masksFor({ startParameters: start, random }: StepContext): Masks {
    if (start === undefined) {
      throw new FedtuneError(
        'adapter safari-lora needs the starting parameters in the step context; update @fedtune/core',
      );
    }
    const cached = this.cached;
    if (cached?.start === start && cached.round === random.round && cached.seed === random.seed) return cached.masks;
    const masks = weightMasks(start, this.slots, this.sparsity, random);
    this.cached = { start, round: random.round, seed: random.seed, masks };
    return masks;
  }
}

/**
 * Per tensor, 1 for the round((1 − sparsity)·size) entries of largest |w| in `weights`, ties in
 * an order drawn from (seed, round) with this plugin's tie-break stream.
 */
export function weightMasks(
  weights: Float32Array,
  slots: readonly LayoutSlot[],
  sparsity: number,
  random: RandomKey,
): Map<string, Float32Array> {
  const order = new RandomStream({
    seed: random.seed,
    round: random.round,
    client: 0,
    stream: SafariStreams.weightMaskTieBreak,
  });
  const masks = new Map<string, Float32Array>();
  for (const { spec, offset, size } of slots) {
    // The kernel breaks ties towards the lower index, so a shuffled copy breaks them at random.
    const permutation = order.shuffle(Array.from({ length: size }, (_, i) => i));
    const shuffled = Float32Array.from(permutation, (i) => weights[offset + i] as number);
    const kept = maskKernels.topKMask(shuffled, keptCount(size, sparsity));
    const mask = new Float32Array(size);
    permutation.forEach((i, position) => {
      mask[i] = kept[position] as number;
    });
    masks.set(spec.name, mask);
  }
  return masks;
}

/** `safari-lora` options, validated, defaults filled. */
export type WeightMaskedLoraOptions = z.output<typeof weightMaskedLoraOptionsSchema>;

/** Core's LoRA (with `useRsLora`) with {@link WeightMaskedLora}'s weight mask at `sparsity`. */
export function weightMaskedLoraAdapter({ sparsity, ...loraOptions }: WeightMaskedLoraOptions): Adapter {
  const lora = createLoraAdapter(loraOptions);
  return {
    name: 'safari-lora',
    create: (modules, settings) => new WeightMaskedLora(lora.create(modules, settings), sparsity),
  };
}

/** Adapter options: `sparsity` (default 0.6, from 0 to 0.99) and core LoRA's `useRsLora`; unknown keys refused. */
export const weightMaskedLoraAdapterFactory: NamedFactory<Adapter> = {
  ...weightMaskedLoraAdapterDescription,
  create: (options) => weightMaskedLoraAdapter(parseOptions('adapter safari-lora', weightMaskedLoraOptionsSchema, options)),
};
