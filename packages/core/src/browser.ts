/**
 * `@fedtune/core/browser`: what a client in a browser tab needs to play its part of a federation —
 * the protocol codec, experiment parsing, core's components, the federation computed from fetched
 * files, in-thread training and the client side of selector and compressor. It reaches no `node:`
 * module, so a bundler targeting browsers takes it as it is. Results folders, checkpoints, worker
 * threads and plugin loading by package name stay in the Node entry (`@fedtune/core`); a browser
 * bundle imports its plugins and registers them with `plugin.register(container)`.
 */
import 'reflect-metadata';

export * from './contracts/index.js';
export * from './errors.js';
export * from './random/counterRandom.js';
export * from './wire/byteCodec.js';
export * from './wire/float32Payload.js';
export * from './wire/protocol/index.js';
export { type ByteSource, checkSourceName } from './io/byteSource.js';
export { fetchByteSource } from './io/fetchByteSource.js';
export { parseExperiment } from './experiment/parse.js';
export type { Experiment, TaskSpec } from './experiment/schema.js';
export { createFedtuneContainer } from './builtins/container.js';
export { corePlugin } from './builtins/corePlugin.js';
export { registerCoreComponents } from './builtins/register.js';
export { registerNamed, resolveNamed, listNamed } from './plugins/registry.js';
export { reserveRandomStreams } from './plugins/randomStreams.js';
export { isFedtunePlugin, pluginFromExports } from './plugins/pluginExports.js';
export { assertExperimentComponentsRegistered } from './plugins/experimentComponents.js';
export { prepareFederationFrom, type SourceFederationOptions } from './federation/federationFromSource.js';
export { readEmbeddedFashionMnist } from './data/fashionMnistBytes.js';
export type { Federation, FederatedClient, FederationTask } from './federation/types.js';
export { clientSlots } from './federation/clientSlots.js';
export type { TfBackendChoice } from './model/training/tfBackendSelect.js';
export { expandRuns, type RunSpec } from './engine/runSpecs.js';
export { planRun, prepareInThreadRun, type PlannedRun, type PreparedRun } from './engine/plannedRun.js';
export { MemoryStore } from './engine/memoryStore.js';
export {
  type ClientModel,
  type ClientSide,
  SimulatedClients,
  type SimulatedClientsSettings,
  type SlotAssignment,
  type SlotOutcome,
} from './engine/clientSide.js';
// What plugins import from core, so a browser bundle can point `@fedtune/core` at this entry.
export * from './backend/index.js';
export * from './metrics/index.js';
export { parseOptions } from './builtins/options.js';
export { averageOverCoverage } from './builtins/aggregators/coverageAverage.js';
export { FedAvgAggregator, fedAvgAggregatorFactory } from './builtins/aggregators/fedAvgAggregator.js';
export { UniformSelector, uniformSelectorFactory } from './builtins/selectors/uniformSelector.js';
export { QsgdCompressor, qsgdCompressorFactory } from './builtins/compressors/qsgdCompressor.js';
export { assignTasks } from './data/taskAssignment.js';
export { indexLayout, type IndexedLayout } from './model/adapters/parameterLayout.js';
export { timesTransposed } from './model/architectures/baseModel.js';
export { createLoraAdapter, loraOptionsSchema, loraScale } from './model/adapters/lora.js';
export { paramTensor } from './model/adapters/adapterParams.js';
