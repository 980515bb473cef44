import type { ContractKind, NamedFactory } from './tokens.js';

/**
 * What `fedtune list` shows of a component without building it: the part of its {@link NamedFactory}
 * that is data. A factory spreads its description (`{ ...qsgdDescription, create }`), so the name,
 * help line and options schema that run and list see are one set of objects.
 */
export type ComponentDescription = Pick<NamedFactory<unknown>, 'name' | 'plugin' | 'description' | 'optionsSchema'>;

/**
 * Every component a package registers, by contract kind: the `components` export of a plugin's
 * component manifest (the module its package.json names under `"fedtune": { "components": … }`),
 * which `fedtune list` imports instead of the plugin's entry. It must list exactly what the plugin's
 * `register` registers, with the same schema objects.
 */
export type ComponentManifest = { readonly [Kind in ContractKind]?: readonly ComponentDescription[] };
