import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import { tacLocalOptions, tacOptions, tacOracleOptions } from './options.js';
import { PACKAGE_NAME } from './packageName.js';

// The package's component manifest (package.json's "fedtune.components"): `fedtune list` reads it
// instead of the entry, so it imports zod and this package's schemas only, never core's engine.

/** The aggregator `tac`, as its factory registers it. */
export const tacAggregatorDescription = {
  name: 'tac',
  plugin: PACKAGE_NAME,
  description: "TAC: k-means over the slots' adapters, one aggregate per cluster",
  optionsSchema: tacOptions,
} satisfies ComponentDescription;

/** The aggregator `tac-oracle`, as its factory registers it. */
export const tacOracleAggregatorDescription = {
  name: 'tac-oracle',
  plugin: PACKAGE_NAME,
  description: 'TAC with the true task of every slot as its cluster: the oracle baseline',
  optionsSchema: tacOracleOptions,
} satisfies ComponentDescription;

/** The aggregator `tac-local`, as its factory registers it. */
export const tacLocalAggregatorDescription = {
  name: 'tac-local',
  plugin: PACKAGE_NAME,
  description: 'local training only: every slot keeps the adapter it trained',
  optionsSchema: tacLocalOptions,
} satisfies ComponentDescription;

/** Every component `register` adds, for `fedtune list`. */
export const components: ComponentManifest = {
  aggregator: [tacAggregatorDescription, tacOracleAggregatorDescription, tacLocalAggregatorDescription],
};
