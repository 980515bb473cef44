import { AGGREGATOR, COMPRESSOR, registerNamed, SELECTOR, type FedtunePlugin } from '@fedtune/core';
import { adaQuantFlCompressorFactory } from './adaQuantFlCompressor.js';
import { aquilaAggregatorFactory } from './aquilaAggregator.js';
import { aquilaSelectorFactory } from './aquilaSelector.js';
import { aquilaCompressorFactory, laqCompressorFactory } from './gridCompressorFactories.js';
import { laqSelectorFactory } from './laqSelector.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './packageName.js';

export {
  AdaQuantFlCompressor,
  adaQuantFlCompressorFactory,
  adaptivePrecision,
  levelsFor,
  parseAdaQuantFlOptions,
  type AdaQuantFlOptions,
} from './adaQuantFlCompressor.js';
export {
  AquilaAggregator,
  aquilaAggregatorFactory,
  DEFAULT_MAX_REUSE_AGE,
  parseAquilaAggregatorOptions,
  type AquilaAggregatorOptions,
} from './aquilaAggregator.js';
export {
  AquilaSelector,
  aquilaSelectorFactory,
  parseAquilaSelectorOptions,
  type AquilaSelectorOptions,
} from './aquilaSelector.js';
export {
  aquilaCompressorFactory,
  bitWidthRuleOf,
  DEFAULT_MAX_RELATIVE_ERROR,
  laqCompressorFactory,
  parseAquilaCompressorOptions,
  type AquilaCompressorOptions,
} from './gridCompressorFactories.js';
export { GridInnovationCompressor } from './gridInnovationCompressor.js';
export { decodeGridPayload, encodeGridPayload, GRID_HEADER_BYTES, type GridPayload } from './gridPayload.js';
export {
  aquilaBits,
  MAX_BITS,
  MIN_BITS,
  quantiseInnovation,
  type BitWidthRule,
  type InnovationQuantisation,
} from './innovationQuantiser.js';
export { OfficialAquilaCompressor } from './officialAquilaCompressor.js';
export { decodeOfficialPayload, encodeOfficialPayload, OFFICIAL_HEADER_BYTES, type OfficialPayload } from './officialPayload.js';
export { parseUploadBitsLog, UploadBitsLog, type UploadBitsRecord } from './uploadBitsLog.js';
export { LaqSelector, laqSelectorFactory, parseLaqSelectorOptions, type LaqSelectorOptions } from './laqSelector.js';
export { laqWeightedStepSum, observeGlobalStep } from './observedGlobalSteps.js';

/**
 * Registers compressors `aquila`, `laq` and `adaquantfl`, selectors `aquila` and `laq`, and the
 * aggregator `aquila` (lazy aggregation, also LAQ's).
 */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: PACKAGE_VERSION,
  register(container) {
    registerNamed(container, COMPRESSOR, aquilaCompressorFactory);
    registerNamed(container, COMPRESSOR, laqCompressorFactory);
    registerNamed(container, COMPRESSOR, adaQuantFlCompressorFactory);
    registerNamed(container, SELECTOR, aquilaSelectorFactory);
    registerNamed(container, SELECTOR, laqSelectorFactory);
    registerNamed(container, AGGREGATOR, aquilaAggregatorFactory);
  },
};

export default plugin;
