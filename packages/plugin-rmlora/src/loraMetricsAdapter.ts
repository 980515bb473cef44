import type * as tf from '@tensorflow/tfjs-core';
import {
  createLoraAdapter,
  loraScale,
  ReferenceBackend,
  type Adapter,
  type AdapterInstance,
  type AdapterOptions,
  type Backend,
  type FrozenLinear,
  type LinearModuleInfo,
  type NamedFactory,
  type ParameterSpec,
} from '@fedtune/core';
import { loraMetricsAdapterDescription } from './components.js';
import { parseLoraMetricsOptions, type LoraMetricsOptions } from './options.js';
import { loraRankMetrics } from './rankMetrics.js';

/**
 * Core's LoRA, unchanged in what it trains and computes, with the rank metrics of its updates
 * (see {@link loraRankMetrics}) on each evaluated round. The rank computations are tiny (r×r), so
 * they run on the reference backend whatever backend the run picked.
 */
export class LoraMetricsInstance implements AdapterInstance {
  readonly layout: readonly ParameterSpec[];
  readonly mergedDeltas: AdapterInstance['mergedDeltas'];
  readonly peftLora: AdapterInstance['peftLora'];
  readonly sliceSettings: AdapterInstance['sliceSettings'];
  private readonly lora: AdapterInstance;
  private readonly scale: number;
  private readonly backend: Backend = new ReferenceBackend();

  constructor(modules: readonly LinearModuleInfo[], settings: AdapterOptions, options: LoraMetricsOptions) {
    this.lora = createLoraAdapter(options).create(modules, settings);
    this.layout = this.lora.layout;
    this.mergedDeltas = this.lora.mergedDeltas?.bind(this.lora);
    this.peftLora = this.lora.peftLora;
    this.sliceSettings = this.lora.sliceSettings?.bind(this.lora);
    this.scale = loraScale(settings.rank, settings.alpha, options.useRsLora);
  }

  initialParameters(base: ReadonlyMap<string, FrozenLinear>): Float32Array {
    return this.lora.initialParameters(base);
  }

  linear(
    module: LinearModuleInfo,
    x: tf.Tensor2D,
    frozen: FrozenLinear,
    params: ReadonlyMap<string, tf.Tensor>
  ): tf.Tensor2D | undefined {
    return this.lora.linear(module, x, frozen, params);
  }

  /** The rank metrics of every adapted layer's ΔW, for the ledger (see {@link loraRankMetrics}). */
  metrics(params: Float32Array): Record<string, number> {
    return loraRankMetrics(this.layout, params, this.scale, this.backend);
  }
}

/** Plain LoRA plus rank metrics, under the name `lora-metrics`; its one option is `useRsLora`. */
export function createLoraMetricsAdapter(options: LoraMetricsOptions): Adapter {
  return {
    name: 'lora-metrics',
    create: (modules, settings) => new LoraMetricsInstance(modules, settings, options),
  };
}

/** `lora-metrics` as a named factory; its options are validated when the run is built, unknown keys refused. */
export const loraMetricsAdapterFactory: NamedFactory<Adapter> = {
  ...loraMetricsAdapterDescription,
  create: (options) => createLoraMetricsAdapter(parseLoraMetricsOptions(options)),
};
