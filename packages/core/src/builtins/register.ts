import type { DependencyContainer } from 'tsyringe';
import { ADAPTER, AGGREGATOR, BACKEND, CHANNEL, COMPRESSOR, SELECTOR } from '../contracts/tokens.js';
import { headOnlyAdapterFactory } from '../model/adapters/headOnly.js';
import { loraAdapterFactory } from '../model/adapters/lora.js';
import { reserveCoreRandomStreams } from '../plugins/randomStreams.js';
import { registerNamed } from '../plugins/registry.js';
import { fedAvgAggregatorFactory } from './aggregators/fedAvgAggregator.js';
import { referenceBackendFactory } from './backends/referenceBackendFactory.js';
import { bernoulliChannelFactory } from './channels/bernoulliChannel.js';
import { gilbertElliottChannelFactory } from './channels/gilbertElliottChannel.js';
import { reliableChannelFactory } from './channels/reliableChannel.js';
import { noneCompressorFactory } from './compressors/noneCompressor.js';
import { qsgdCompressorFactory } from './compressors/qsgdCompressor.js';
import { allSelectorFactory } from './selectors/allSelector.js';
import { uniformSelectorFactory } from './selectors/uniformSelector.js';

/** Binds core's own implementations of every contract under their names, and reserves core's random stream ids. */
export function registerCoreComponents(container: DependencyContainer): void {
  reserveCoreRandomStreams(container);
  registerNamed(container, BACKEND, referenceBackendFactory);
  registerNamed(container, ADAPTER, loraAdapterFactory);
  registerNamed(container, ADAPTER, headOnlyAdapterFactory);
  registerNamed(container, COMPRESSOR, noneCompressorFactory);
  registerNamed(container, COMPRESSOR, qsgdCompressorFactory);
  registerNamed(container, SELECTOR, allSelectorFactory);
  registerNamed(container, SELECTOR, uniformSelectorFactory);
  registerNamed(container, AGGREGATOR, fedAvgAggregatorFactory);
  registerNamed(container, CHANNEL, reliableChannelFactory);
  registerNamed(container, CHANNEL, bernoulliChannelFactory);
  registerNamed(container, CHANNEL, gilbertElliottChannelFactory);
}
