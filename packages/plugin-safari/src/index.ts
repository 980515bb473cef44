import { ADAPTER, AGGREGATOR, COMPRESSOR, registerNamed, type FedtunePlugin } from '@fedtune/core';
import { PACKAGE_NAME } from './packageName.js';
import { safariAggregatorFactory } from './safariAggregator.js';
import { safariSparseCompressorFactory } from './sparseCompressor.js';
import { staleFedAvgAggregatorFactory } from './staleFedAvgAggregator.js';
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
export { SafariStreams } from './streams.js';
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
 * adapter `safari-lora`.
 */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  register(container) {
    registerNamed(container, COMPRESSOR, safariSparseCompressorFactory);
    registerNamed(container, AGGREGATOR, safariAggregatorFactory);
    registerNamed(container, AGGREGATOR, staleFedAvgAggregatorFactory);
    registerNamed(container, ADAPTER, weightMaskedLoraAdapterFactory);
  },
};

export default plugin;
