/**
 * `@fedtune/core/light`: what a command line needs before it knows which command runs — errors and
 * their kinds, the experiment file's fields from a JSON Schema (such as the generated
 * `@fedtune/core/experiment.schema.json`) and schema nodes in words, the names of the bundled base
 * files, the default worker count, and which plugin is loading. It loads neither tfjs nor zod, so
 * `--help` answers at once; a command that works imports `@fedtune/core` when it starts. Both entries
 * share these modules, so their values (the plugin being loaded, say) are one and the same.
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
export type { ExperimentEdit } from './experiment/load.js';
