import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import { loraMetricsOptionsSchema, rmloraOptionsSchema } from './options.js';
import { PACKAGE_NAME } from './packageName.js';

// The package's component manifest (package.json's "fedtune.components"): `fedtune list` reads it
// instead of the entry, so it imports zod and this package's schemas only, never core's engine.

/** The adapter `rmlora`, as its factory registers it. */
export const rmloraAdapterDescription = {
  name: 'rmlora',
  plugin: PACKAGE_NAME,
  description: 'RM-LoRA: LoRA with an orthogonality regulariser and rank masking',
  optionsSchema: rmloraOptionsSchema,
} satisfies ComponentDescription;

/** The adapter `lora-metrics`, as its factory registers it. */
export const loraMetricsAdapterDescription = {
  name: 'lora-metrics',
  plugin: PACKAGE_NAME,
  description: 'plain LoRA that also logs the rank metrics of its updates (numerical, effective and stable rank)',
  optionsSchema: loraMetricsOptionsSchema,
} satisfies ComponentDescription;

/** Every component `register` adds, for `fedtune list`. */
export const components: ComponentManifest = {
  adapter: [rmloraAdapterDescription, loraMetricsAdapterDescription],
};
