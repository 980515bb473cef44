export { registerNamed, resolveNamed, listNamed, type ComponentOf, type ContractComponents } from './registry.js';
export { loadPlugins, pluginBeingLoaded, type LoadPluginsOptions } from './loader.js';
export { isFedtunePlugin, pluginFromExports } from './pluginExports.js';
export {
  reserveRandomStreams,
  listRandomStreamReservations,
  type RandomStreamReservation,
} from './randomStreams.js';
export { assertExperimentComponentsRegistered } from './experimentComponents.js';
