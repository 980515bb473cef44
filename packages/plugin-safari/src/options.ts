import { loraOptionsSchema } from '@fedtune/core/components';
import { z } from 'zod';
import { sparsitySchema } from './sparsity.js';

// Every component's options schema, apart from the component: the component manifest
// (components.ts) lists them without loading core's engine, and each factory validates with the
// same object.

/** Options of the aggregator `safari`. */
export const safariAggregatorOptions = z.strictObject({
  distance: z.enum(['euclidean', 'hamming']).default('euclidean'),
  refresh: z.enum(['none', 'ema']).default('none'),
  emaDecay: z.number().min(0).max(1).default(0.8),
  weighting: z.enum(['uniform', 'samples']).default('uniform'),
});

/** Options of the aggregator `fedavg-stale`. */
export const staleFedAvgOptions = z.strictObject({
  weighting: z.enum(['uniform', 'samples']).default('uniform'),
  fullFirstRound: z.boolean().default(false),
});

/** Options of the `safari-lora` adapter: core LoRA's (`useRsLora`) and the mask's `sparsity`. */
export const weightMaskedLoraOptionsSchema = z.strictObject({
  ...loraOptionsSchema.shape,
  sparsity: sparsitySchema.default(0.6).describe("share of each tensor's weights frozen at their global values during local training"),
});

/** Options of the compressor `safari-sparse`. */
export const sparseCompressorOptions = z.strictObject({
  sparsity: sparsitySchema.default(0.6).describe("share of each tensor's entries pruned from the upload (0.6: 60% pruned, SAFARI's headline setting)"),
});
