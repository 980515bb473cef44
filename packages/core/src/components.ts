/**
 * `@fedtune/core/components`: what describes components without building them — core's component
 * manifest, the option schemas plugins build on, option validation and its error, and options as
 * JSON Schema. It loads zod but neither tfjs nor core's engine, and runs in browsers too. A plugin's
 * component manifest (see docs/PLUGINS.md) imports from here or from zod alone, so `fedtune list`
 * can read it without loading the plugin.
 */
export type { ComponentDescription, ComponentManifest } from './contracts/componentManifest.js';
export { coreArchitectures, coreComponents } from './builtins/coreComponents.js';
export { NO_OPTIONS, parseOptions } from './builtins/options.js';
export { ConfigError } from './errors.js';
export { loraOptionsSchema, type LoraOptions } from './model/adapters/loraOptions.js';
export { optionsJsonSchema } from './experiment/optionsJsonSchema.js';
