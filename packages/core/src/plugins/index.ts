export { registerNamed, resolveNamed, listNamed, type ComponentOf, type ContractComponents } from './registry.js';
export { loadPlugins, isFedtunePlugin, type LoadPluginsOptions } from './loader.js';
export { corePlugin, createFedtuneContainer } from './corePlugin.js';
export { assertExperimentComponentsRegistered } from './experimentComponents.js';
