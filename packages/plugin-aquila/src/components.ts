import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import {
  adaQuantFlOptions,
  aquilaAggregatorOptions,
  aquilaOptions,
  aquilaSelectorOptions,
  laqOptions,
  laqSelectorOptions,
} from './options.js';
import { PACKAGE_NAME } from './packageName.js';

// The package's component manifest (package.json's "fedtune.components"): `fedtune list` reads it
// instead of the entry, so it imports zod and this package's schemas only, never core's engine.

/** The aggregator `aquila`, as its factory registers it. */
export const aquilaAggregatorDescription = {
  name: 'aquila',
  plugin: PACKAGE_NAME,
  description: "AQUILA's server: reuses a skipped client's last update (lazy aggregation)",
  optionsSchema: aquilaAggregatorOptions,
} satisfies ComponentDescription;

/** The compressor `aquila`, as its factory registers it. */
export const aquilaCompressorDescription = {
  name: 'aquila',
  plugin: PACKAGE_NAME,
  description: 'AQUILA: the innovation quantised on a grid with an adaptive bit width',
  optionsSchema: aquilaOptions,
} satisfies ComponentDescription;

/** The compressor `laq`, as its factory registers it. */
export const laqCompressorDescription = {
  name: 'laq',
  plugin: PACKAGE_NAME,
  description: 'LAQ: the innovation quantised on a grid with a fixed bit width',
  optionsSchema: laqOptions,
} satisfies ComponentDescription;

/** The compressor `adaquantfl`, as its factory registers it. */
export const adaQuantFlCompressorDescription = {
  name: 'adaquantfl',
  plugin: PACKAGE_NAME,
  description: "AdaQuantFL: core's QSGD with a precision that grows as the client's training loss falls",
  optionsSchema: adaQuantFlOptions,
} satisfies ComponentDescription;

/** The selector `aquila`, as its factory registers it. */
export const aquilaSelectorDescription = {
  name: 'aquila',
  plugin: PACKAGE_NAME,
  description: "AQUILA's skip rule: a client uploads only when its quantised innovation is large enough",
  optionsSchema: aquilaSelectorOptions,
} satisfies ComponentDescription;

/** The selector `laq`, as its factory registers it. */
export const laqSelectorDescription = {
  name: 'laq',
  plugin: PACKAGE_NAME,
  description: "LAQ's skip rule: a client uploads only when its innovation outweighs recent model steps",
  optionsSchema: laqSelectorOptions,
} satisfies ComponentDescription;

/** Every component `register` adds, for `fedtune list`. */
export const components: ComponentManifest = {
  compressor: [aquilaCompressorDescription, laqCompressorDescription, adaQuantFlCompressorDescription],
  selector: [aquilaSelectorDescription, laqSelectorDescription],
  aggregator: [aquilaAggregatorDescription],
};
