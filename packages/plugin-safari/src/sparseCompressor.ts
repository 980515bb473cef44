import {
  parseOptions,
  type CompressionContext,
  type Compressor,
  type EncodeContext,
  type NamedFactory,
} from '@fedtune/core';
import { safariSparseCompressorDescription } from './components.js';
import { sparseCompressorOptions } from './options.js';
import { decodeSparse, encodeSparse } from './sparsePayload.js';
import { tensorSlices } from './tensorSlices.js';
import { topRhoMask } from './topRhoMask.js';

/**
 * SAFARI's sparse upload: in every tensor of the adapter (the layout the engine hands the
 * compressor) only the top (1 − sparsity) share of the update's entries by magnitude is sent, as
 * fp32 values plus a bitmap or their indices, whichever is smaller. The rest of the update is
 * dropped, with no error feedback, as SAFARI's sparse models drop their pruned weights.
 */
export class SafariSparseCompressor implements Compressor {
  readonly name = 'safari-sparse';

  /** @param sparsity fraction of each tensor's entries left out, in [0, 0.99]. */
  constructor(readonly sparsity: number) {}

  encode(update: Float32Array, context: EncodeContext): Uint8Array {
    const mask = topRhoMask(update, tensorSlices(context.layout, update.length), this.sparsity, context.backend);
    return encodeSparse(update, mask, context.backend);
  }

  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array {
    return decodeSparse(payload, length, context.backend);
  }
}

/** Options: `sparsity` (default 0.6, from 0 to 0.99). */
export const safariSparseCompressorFactory: NamedFactory<Compressor> = {
  ...safariSparseCompressorDescription,
  create: (options) =>
    new SafariSparseCompressor(parseOptions('compressor safari-sparse', sparseCompressorOptions, options).sparsity),
};
