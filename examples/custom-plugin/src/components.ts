import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import manifest from '../package.json' with { type: 'json' };

// The component manifest package.json names under "fedtune.components": `fedtune list` reads it
// instead of the entry, so it imports nothing that loads core's engine (types are erased).

/**
 * The aggregator `trimmed-mean`, as its factory registers it. It validates `trim` by hand, so it has
 * no schema to list.
 */
export const trimmedMeanDescription = {
  name: 'trimmed-mean',
  plugin: manifest.name,
  description: 'coordinate-wise trimmed mean: drops the largest and smallest values of each coordinate',
} satisfies ComponentDescription;

/** Every component `register` adds, for `fedtune list`. */
export const components: ComponentManifest = {
  aggregator: [trimmedMeanDescription],
};
