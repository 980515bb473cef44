import { qsgdBitsPerCode } from '../../backend/index.js';
import type { Compressor, CompressionContext, EncodeContext } from '../../contracts/compressor.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { z } from 'zod';
import { PayloadError } from '../../errors.js';
import { counterUniforms, RandomStreams } from '../../random/counterRandom.js';
import { ByteReader, ByteWriter } from '../../wire/byteCodec.js';
import { parseOptions } from '../options.js';

const TAG = 'QSGD';
const VERSION = 1;

/** Maps a signed level to sign-magnitude bits: magnitude in the high bits, sign in bit 0. */
function toSignMagnitude(codes: Int32Array): Uint32Array {
  const out = new Uint32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    out[i] = code < 0 ? ((-code << 1) | 1) >>> 0 : (code << 1) >>> 0;
  }
  return out;
}

function fromSignMagnitude(bits: Uint32Array, levels: number): Int32Array {
  const out = new Int32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const value = bits[i] as number;
    const magnitude = value >>> 1;
    if (magnitude > levels) {
      throw new PayloadError(`qsgd payload: level ${magnitude} at index ${i} exceeds ${levels} levels`);
    }
    out[i] = value & 1 ? -magnitude : magnitude;
  }
  return out;
}

/**
 * QSGD (Alistarh et al. 2017) with `levels` = s levels: the 2-norm as fp32 and one sign-magnitude
 * code of 1 + ⌈log₂(s+1)⌉ bits per coordinate. Rounding draws come from the counter random function
 * keyed by (seed, round, client), so every backend and every re-run sends the same bytes.
 */
export class QsgdCompressor implements Compressor {
  readonly name = 'qsgd';

  constructor(readonly levels: number) {}

  encode(update: Float32Array, context: EncodeContext): Uint8Array {
    const uniforms = counterUniforms(
      { seed: context.seed, round: context.round, client: context.clientId, stream: RandomStreams.stochasticQuantize },
      update.length,
    );
    const quantised = context.backend.stochasticQuantize(update, this.levels, uniforms);
    const bitsPerCode = qsgdBitsPerCode(this.levels);
    return new ByteWriter()
      .header(TAG, VERSION)
      .uint16(this.levels)
      .uint32(update.length)
      .float32(quantised.norm)
      .bytes(context.backend.packBits(toSignMagnitude(quantised.codes), bitsPerCode))
      .finish();
  }

  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array {
    const reader = new ByteReader(payload, 'qsgd payload');
    reader.header(TAG, VERSION);
    const levels = reader.uint16();
    const count = reader.uint32();
    if (levels !== this.levels) throw new PayloadError(`qsgd payload: sent with ${levels} levels, receiver uses ${this.levels}`);
    if (count !== length) throw new PayloadError(`qsgd payload: carries ${count} values, the model has ${length}`);
    const norm = reader.float32();
    const bitsPerCode = qsgdBitsPerCode(levels);
    const packed = reader.bytes(Math.ceil((count * bitsPerCode) / 8));
    reader.end();
    const codes = fromSignMagnitude(context.backend.unpackBits(packed, bitsPerCode, count), levels);
    return context.backend.stochasticDequantize({ norm, codes }, levels);
  }
}

const qsgdOptions = z.strictObject({
  levels: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(15)
    .describe('s, the number of non-zero magnitude levels; 15 gives 5 bits per coordinate'),
});

/** Options: `levels` (s, default 15, i.e. 5 bits per coordinate). */
export const qsgdCompressorFactory: NamedFactory<Compressor> = {
  name: 'qsgd',
  plugin: '@fedtune/core',
  description: 'QSGD: stochastic quantisation to s levels of the 2-norm, 1 + ceil(log2(s+1)) bits per coordinate',
  optionsSchema: qsgdOptions,
  create: (options) => new QsgdCompressor(parseOptions('compressor qsgd', qsgdOptions, options).levels),
};
