/**
 * Batch size and learning rate of `fedtune pretrain` by model: the MLP's Adam settings, and for the
 * transformer a higher rate that its pre-LayerNorm blocks train stably at, over batches of byte windows.
 */
export const MODEL_DEFAULTS = {
  image: { batchSize: 64, learningRate: 0.001 },
  text: { batchSize: 32, learningRate: 0.003 },
} as const;
