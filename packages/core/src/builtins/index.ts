export { FedAvgAggregator, fedAvgAggregatorFactory } from './aggregators/fedAvgAggregator.js';
export { averageOverCoverage } from './aggregators/coverageAverage.js';
export { referenceBackendFactory } from './backends/referenceBackendFactory.js';
export { BernoulliChannel, bernoulliChannelFactory } from './channels/bernoulliChannel.js';
export { assignGroups, type GroupAssignment, type GroupPlacement } from './channels/clientGroups.js';
export {
  GilbertElliottChannel,
  gilbertElliottChannelFactory,
  type GilbertElliottLink,
} from './channels/gilbertElliottChannel.js';
export { reliableChannelFactory } from './channels/reliableChannel.js';
export { noneCompressorFactory } from './compressors/noneCompressor.js';
export { QsgdCompressor, qsgdCompressorFactory } from './compressors/qsgdCompressor.js';
export { corePlugin, createFedtuneContainer } from './corePlugin.js';
export { coreArchitectures, coreComponents } from './coreComponents.js';
export { parseOptions } from './options.js';
export { registerCoreComponents } from './register.js';
export { allSelectorFactory } from './selectors/allSelector.js';
export { UniformSelector, uniformSelectorFactory } from './selectors/uniformSelector.js';
