export { registerNamed, resolveNamed, listNamed, type ComponentOf, type ContractComponents } from './registry.js';
export { loadPlugins, isFedtunePlugin, type LoadPluginsOptions } from './loader.js';
export {
  reserveRandomStreams,
  listRandomStreamReservations,
  type RandomStreamReservation,
} from './randomStreams.js';
export { assertExperimentComponentsRegistered } from './experimentComponents.js';
