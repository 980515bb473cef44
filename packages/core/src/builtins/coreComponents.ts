import type { ComponentManifest } from '../contracts/componentManifest.js';
import { headOnlyAdapterDescription, loraAdapterDescription } from './adapterDescriptions.js';
import { fedAvgAggregatorFactory } from './aggregators/fedAvgAggregator.js';
import { referenceBackendFactory } from './backends/referenceBackendFactory.js';
import { bernoulliChannelFactory } from './channels/bernoulliChannel.js';
import { gilbertElliottChannelFactory } from './channels/gilbertElliottChannel.js';
import { reliableChannelFactory } from './channels/reliableChannel.js';
import { noneCompressorFactory } from './compressors/noneCompressor.js';
import { qsgdCompressorFactory } from './compressors/qsgdCompressor.js';
import { allSelectorFactory } from './selectors/allSelector.js';
import { uniformSelectorFactory } from './selectors/uniformSelector.js';

/**
 * Core's own components, as `registerCoreComponents` registers them, for `fedtune list`. Every
 * factory here is plain TypeScript and is listed as it is; the adapters, which train through tfjs,
 * by their descriptions.
 */
export const coreComponents: ComponentManifest = {
  backend: [referenceBackendFactory],
  adapter: [loraAdapterDescription, headOnlyAdapterDescription],
  compressor: [noneCompressorFactory, qsgdCompressorFactory],
  selector: [allSelectorFactory, uniformSelectorFactory],
  aggregator: [fedAvgAggregatorFactory],
  channel: [reliableChannelFactory, bernoulliChannelFactory, gilbertElliottChannelFactory],
};

/**
 * The architectures core's base files can name and the Hugging Face classes its loader loads, for
 * `fedtune list`: the registries hold the architectures themselves, which need tfjs.
 */
export const coreArchitectures = {
  baseFiles: ['mlp', 'transformer'],
  huggingFaceClasses: ['GPT2LMHeadModel', 'LlamaForCausalLM'],
} as const;
