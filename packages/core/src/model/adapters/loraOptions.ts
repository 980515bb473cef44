import { z } from 'zod';

/**
 * The `options` of the `lora` adapter. LoRA-family adapters of plugins take these too: spread
 * `loraOptionsSchema.shape` into their own schema and pass the parsed values to `createLoraAdapter`.
 * Kept apart from the adapter (and tfjs) so component manifests can build on it.
 */
export const loraOptionsSchema = z.strictObject({
  useRsLora: z.boolean().default(false).describe('scale the update by α/√r (rank-stabilised LoRA) instead of α/r'),
});

/** `lora` options, validated, defaults filled. */
export type LoraOptions = z.output<typeof loraOptionsSchema>;
