import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import {
  safariAggregatorOptions,
  sparseCompressorOptions,
  staleFedAvgOptions,
  weightMaskedLoraOptionsSchema,
} from './options.js';
import { PACKAGE_NAME } from './packageName.js';

// The package's component manifest (package.json's "fedtune.components"): `fedtune list` reads it
// instead of the entry, so it imports zod and this package's schemas only, never core's engine.

/** The aggregator `safari`, as its factory registers it. */
export const safariAggregatorDescription = {
  name: 'safari',
  plugin: PACKAGE_NAME,
  description: "SAFARI's server: fills in lost clients' updates from their nearest neighbours",
  optionsSchema: safariAggregatorOptions,
} satisfies ComponentDescription;

/** The aggregator `fedavg-stale`, as its factory registers it. */
export const staleFedAvgAggregatorDescription = {
  name: 'fedavg-stale',
  plugin: PACKAGE_NAME,
  description: "FedAvg that stands in for each missing client with its last update that arrived",
  optionsSchema: staleFedAvgOptions,
} satisfies ComponentDescription;

/** The adapter `safari-lora`, as its factory registers it. */
export const weightMaskedLoraAdapterDescription = {
  name: 'safari-lora',
  plugin: PACKAGE_NAME,
  description: "LoRA with SAFARI's weight mask: a share of each tensor's weights stays frozen at the global values",
  optionsSchema: weightMaskedLoraOptionsSchema,
} satisfies ComponentDescription;

/** The compressor `safari-sparse`, as its factory registers it. */
export const safariSparseCompressorDescription = {
  name: 'safari-sparse',
  plugin: PACKAGE_NAME,
  description: "SAFARI's sparse upload: each tensor's largest entries by magnitude, as fp32 values with a bitmap or indices",
  optionsSchema: sparseCompressorOptions,
} satisfies ComponentDescription;

/** Every component `register` adds, for `fedtune list`. */
export const components: ComponentManifest = {
  adapter: [weightMaskedLoraAdapterDescription],
  compressor: [safariSparseCompressorDescription],
  aggregator: [safariAggregatorDescription, staleFedAvgAggregatorDescription],
};
