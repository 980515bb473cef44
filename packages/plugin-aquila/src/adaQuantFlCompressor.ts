import {
  ByteReader,
  parseOptions,
  PayloadError,
  QsgdCompressor,
  type CompressionContext,
  type Compressor,
  type EncodeContext,
  type NamedFactory,
} from '@fedtune/core';
import type { z } from 'zod';
import { adaQuantFlCompressorDescription } from './components.js';
import { adaQuantFlOptions } from './options.js';

const INITIAL_LOSS_KEY = 'initialLoss';

/** Validated options of the `adaquantfl` compressor. */
export type AdaQuantFlOptions = z.output<typeof adaQuantFlOptions>;

/** Validates the `adaquantfl` compressor's options, filling the defaults. */
export function parseAdaQuantFlOptions(options: Readonly<Record<string, unknown>>): AdaQuantFlOptions {
  return parseOptions('compressor adaquantfl', adaQuantFlOptions, options);
}

/**
 * s_k = ⌈√(F₀/F_k)·s₀⌉ clamped to [smallest, cap]: precision grows as the loss falls. Without a
 * usable F₀ the precision stays s₀; a current loss of zero (a perfectly fitted client) asks for
 * the cap.
 */
export function adaptivePrecision(initialLoss: number, loss: number, options: AdaQuantFlOptions): number {
  const smallest = options.unit === 'bits' ? 2 : 1;
  if (!(initialLoss > 0) || !Number.isFinite(initialLoss)) return options.s0;
  if (!(loss > 0) || !Number.isFinite(loss)) return options.cap;
  const precision = Math.ceil(Math.sqrt(initialLoss / loss) * options.s0);
  return Math.min(options.cap, Math.max(smallest, precision));
}

/** QSGD levels for a precision: 2^(b−1) − 1 levels fill a sign bit and b − 1 magnitude bits. */
export function levelsFor(precision: number, unit: AdaQuantFlOptions['unit']): number {
  return unit === 'bits' ? 2 ** (precision - 1) - 1 : precision;
}

/**
 * AdaQuantFL (Jhunjhunwala et al. 2021): core's QSGD with a precision that grows as the client's
 * local training loss F_k (the encode context's `trainLoss`) falls below F₀, its loss at its first
 * upload. The payload is core's QSGD payload, which states its level count, so the server needs no
 * state.
 */
export class AdaQuantFlCompressor implements Compressor {
  readonly name = 'adaquantfl';

  constructor(readonly options: AdaQuantFlOptions) {}

  encode(update: Float32Array, context: EncodeContext): Uint8Array {
    const stored = context.memory.get(INITIAL_LOSS_KEY);
    const initialLoss = typeof stored === 'number' ? stored : context.trainLoss;
    if (typeof stored !== 'number') context.memory.set(INITIAL_LOSS_KEY, initialLoss);
    const precision = adaptivePrecision(initialLoss, context.trainLoss, this.options);
    return new QsgdCompressor(levelsFor(precision, this.options.unit)).encode(update, context);
  }

  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array {
    const levels = peekQsgdLevels(payload);
    const largest = levelsFor(this.options.cap, this.options.unit);
    if (levels < 1 || levels > largest) {
      throw new PayloadError(`adaquantfl payload: ${levels} levels, this receiver allows 1..${largest}`);
    }
    return new QsgdCompressor(levels).decode(payload, length, context);
  }
}

/** The level count core's QSGD payload states right after its tag and version (see `QsgdCompressor`). */
function peekQsgdLevels(payload: Uint8Array): number {
  const reader = new ByteReader(payload, 'adaquantfl payload');
  reader.header('QSGD', 1);
  return reader.uint16();
}

/** The `adaquantfl` compressor; see {@link AdaQuantFlOptions}. */
export const adaQuantFlCompressorFactory: NamedFactory<Compressor> = {
  ...adaQuantFlCompressorDescription,
  create: (options) => new AdaQuantFlCompressor(parseAdaQuantFlOptions(options)),
};
