import { ADAPTER, registerNamed, type FedtunePlugin } from '@fedtune/core';
import { loraMetricsAdapterFactory } from './loraMetricsAdapter.js';
import { rmloraAdapterFactory } from './rmloraAdapter.js';

export { LoraMetricsInstance, loraMetricsAdapter } from './loraMetricsAdapter.js';
export { RmLoraInstance, rmloraAdapter } from './rmloraAdapter.js';
export {
  loraMetricsOptionsSchema,
  parseLoraMetricsOptions,
  parseRmLoraOptions,
  rmloraOptionsSchema,
  type LoraMetricsOptions,
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

/** The package name, which experiment files list under "plugins". */
const PACKAGE_NAME = '@fedtune/plugin-rmlora';

/** Registers the adapters `rmlora` (RM-LoRA) and `lora-metrics` (core's LoRA with the same rank metrics). */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  register(container) {
    registerNamed(container, ADAPTER, rmloraAdapterFactory(PACKAGE_NAME));
    registerNamed(container, ADAPTER, loraMetricsAdapterFactory(PACKAGE_NAME));
  },
};

export default plugin;
