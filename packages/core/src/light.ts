/**
 * `@fedtune/core/light`: what a command line needs before it knows which command runs — errors and
 * their kinds, the experiment file's fields from a JSON Schema (such as the generated
 * `@fedtune/core/experiment.schema.json`) and schema nodes in words, the names of the bundled base
 * files, the default worker count, which plugin is loading, and the checks `fedtune list` makes of
 * a plugin without loading it (its copy of core, its names against those taken). It loads neither
 * tfjs nor zod, so `--help` answers at once; a command that works imports `@fedtune/core` when it
 * starts. Both entries share these modules, so their values (the plugin being loaded, say) are one
 * and the same.
 */
export * from './errors.js';
export { schemaFields, type ExperimentField } from './experiment/schemaFields.js';
export { describeSchemaNode } from './experiment/describeSchema.js';
export type { JsonSchemaNode } from './experiment/jsonSchema.js';
export { EMBEDDED_BASE_FILE, FORTUNES_BASE_FILE } from './model/formats/embeddedBase.js';
export { FORTUNES_DIR } from './data/text/fortuneCorpus.js';
export { MAX_SCORING_TEXT_BYTES } from './model/scoring/scoringText.js';
export { defaultWorkerCount } from './engine/training/defaultWorkerCount.js';
export { pluginBeingLoaded } from './plugins/loader.js';
export { assertPluginSharesCore } from './plugins/sharedCore.js';
export { componentNameClash } from './plugins/nameClash.js';
export type { ExperimentEdit } from './experiment/load.js';
