import { ADAPTER, registerNamed, reserveRandomStreams, type FedtunePlugin } from '@fedtune/core';
import { loraMetricsAdapterFactory } from './loraMetricsAdapter.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './packageName.js';
import { rmloraAdapterFactory } from './rmloraAdapter.js';
import { RMLORA_RANDOM_STREAMS } from './streams.js';

export { createLoraMetricsAdapter, LoraMetricsInstance } from './loraMetricsAdapter.js';
export { createRmLoraAdapter, RmLoraInstance } from './rmloraAdapter.js';
export {
  loraMetricsOptionsSchema,
  parseLoraMetricsOptions,
  parseRmLoraOptions,
  resolveMaskedRank,
  rmloraOptionsSchema,
  type LoraMetricsOptions,
  type ResolvedRmLoraOptions,
  type RmLoraOptions,
} from './options.js';
export { distanceFromIdentity, FROBENIUS_EPSILON, orthogonalityPenalty } from './orthogonalityPenalty.js';
export { directionMask, drawRankDirections, RANK_MASK_STREAM, type MaskSite, type MaskedFactor } from './rankMask.js';
export {
  loraLayerRanks,
  loraRankMetrics,
  loraUpdateSingularValues,
  NUMERICAL_RANK_TOLERANCE,
  rankSummary,
  type LayerRank,
  type RankSummary,
} from './rankMetrics.js';
export { loraPairs, type LoraPair } from './loraPairs.js';
export { singularValues } from './linalg/singularValues.js';
export { upperTriangularFactor } from './linalg/upperTriangularFactor.js';
export { RMLORA_RANDOM_STREAMS, RmLoraStreams } from './streams.js';

/**
 * Registers the adapters `rmlora` (RM-LoRA) and `lora-metrics` (core's LoRA with the same rank
 * metrics), and reserves the random stream 1100.
 */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: PACKAGE_VERSION,
  register(container) {
    reserveRandomStreams(container, { plugin: PACKAGE_NAME, ...RMLORA_RANDOM_STREAMS });
    registerNamed(container, ADAPTER, rmloraAdapterFactory);
    registerNamed(container, ADAPTER, loraMetricsAdapterFactory);
  },
};

export default plugin;
