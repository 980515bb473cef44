import { ADAPTER, AGGREGATOR, COMPRESSOR, registerNamed, reserveRandomStreams, type FedtunePlugin } from '@fedtune/core';
import { PACKAGE_NAME, PACKAGE_VERSION } from './packageName.js';
import { safariAggregatorFactory } from './safariAggregator.js';
import { safariSparseCompressorFactory } from './sparseCompressor.js';
import { staleFedAvgAggregatorFactory } from './staleFedAvgAggregator.js';
import { SAFARI_RANDOM_STREAMS } from './streams.js';
import { weightMaskedLoraAdapterFactory } from './weightMaskedLora.js';

export { clientDistances, type DistanceMetric } from './clientDistances.js';
export { nearestSurrogates } from './nearestSurrogates.js';
export {
  parseSafariAggregatorOptions,
  SafariAggregator,
  safariAggregatorFactory,
  type SafariAggregatorOptions,
} from './safariAggregator.js';
export { SimilarityMatrix } from './similarityMatrix.js';
export { slotWeight, type Weighting } from './slotWeights.js';
export { SafariSparseCompressor, safariSparseCompressorFactory } from './sparseCompressor.js';
export {
  cheaperEncoding,
  decodeSparse,
  encodeSparse,
  indexBits,
  positionBytes,
  SPARSE_HEADER_BYTES,
  sparsePayloadBytes,
  type PositionEncoding,
} from './sparsePayload.js';
export { keptCount, sparsitySchema } from './sparsity.js';
export { StaleFedAvgAggregator, staleFedAvgAggregatorFactory } from './staleFedAvgAggregator.js';
export { SAFARI_RANDOM_STREAMS, SafariStreams } from './streams.js';
export { tensorSlices, type TensorSlice } from './tensorSlices.js';
export { topRhoMask } from './topRhoMask.js';
export {
  WeightMaskedLora,
  weightMaskedLoraAdapter,
  weightMaskedLoraAdapterFactory,
  weightMasks,
} from './weightMaskedLora.js';

/**
 * Registers the compressor `safari-sparse`, the aggregators `safari` and `fedavg-stale`, and the
 * adapter `safari-lora`, and reserves the random stream 1200.
 */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: PACKAGE_VERSION,
  register(container) {
    reserveRandomStreams(container, { plugin: PACKAGE_NAME, ...SAFARI_RANDOM_STREAMS });
    registerNamed(container, COMPRESSOR, safariSparseCompressorFactory);
    registerNamed(container, AGGREGATOR, safariAggregatorFactory);
    registerNamed(container, AGGREGATOR, staleFedAvgAggregatorFactory);
    registerNamed(container, ADAPTER, weightMaskedLoraAdapterFactory);
  },
};

export default plugin;
