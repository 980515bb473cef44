import { ConfigError, loraOptionsSchema, parseOptions } from '@fedtune/core/components';
import { z } from 'zod';

/** Options of the `lora-metrics` adapter: plain LoRA's own (`useRsLora`). */
export const loraMetricsOptionsSchema = loraOptionsSchema;

/** Options of the `rmlora` adapter: core LoRA's (`useRsLora`) and RM-LoRA's, with the official code's defaults. */
export const rmloraOptionsSchema = z.strictObject({
  ...loraOptionsSchema.shape,
  lambda: z.number().nonnegative().max(1e6).default(0.1).describe('weight λ of the orthogonality regulariser; 0 turns it off'),
  maskedRank: z.number().int().positive().optional().describe('rank directions k of each layer that move per optimiser step; default ⌈r/2⌉'),
  variant: z.enum(['v1', 'v2']).default('v1').describe("`v1`: B moves along A's directions; `v2`: B's directions are drawn independently"),
  maskMode: z.enum(['grad', 'update']).default('grad').describe("`grad`: zero masked gradients (Adam's momentum still drifts them); `update`: also undo their step"),
});

/** `lora-metrics` options, validated. */
export type LoraMetricsOptions = z.output<typeof loraMetricsOptionsSchema>;

/** `rmlora` options, validated; `maskedRank` is resolved once the rank is known. */
export type RmLoraOptions = z.output<typeof rmloraOptionsSchema>;

/** `rmlora` options with `maskedRank` resolved against the adapter's rank. */
export type ResolvedRmLoraOptions = Omit<RmLoraOptions, 'maskedRank'> & { maskedRank: number };

/** Validates `lora-metrics` options; a {@link ConfigError} names the bad field. */
export function parseLoraMetricsOptions(options: Readonly<Record<string, unknown>>): LoraMetricsOptions {
  return parseOptions('adapter lora-metrics', loraMetricsOptionsSchema, options);
}

/** Validates `rmlora` options; a {@link ConfigError} names the bad field. */
export function parseRmLoraOptions(options: Readonly<Record<string, unknown>>): RmLoraOptions {
  return parseOptions('adapter rmlora', rmloraOptionsSchema, options);
}

/**
 * Fills `maskedRank` for an adapter of rank `rank` (k = ⌈r/2⌉ when unset); a {@link ConfigError}
 * for a `maskedRank` above the rank.
 */
export function resolveMaskedRank(options: RmLoraOptions, rank: number): ResolvedRmLoraOptions {
  const maskedRank = options.maskedRank ?? Math.ceil(rank / 2);
  if (maskedRank > rank) {
    throw new ConfigError(
      `adapter rmlora: options.maskedRank: ${maskedRank} is above the adapter rank ${rank}; allowed: 1 to ${rank} ` +
        `(the rank directions that move per step), or omit it for ⌈r/2⌉ = ${Math.ceil(rank / 2)}`
    );
  }
  return { ...options, maskedRank };
}
