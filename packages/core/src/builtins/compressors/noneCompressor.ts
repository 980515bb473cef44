import type { Compressor } from '../../contracts/compressor.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../wire/float32Payload.js';
import { NO_OPTIONS, parseOptions } from '../options.js';

/** The `none` compressor: every value as fp32, 32 bits per coordinate plus a 9-byte header. */
export const noneCompressorFactory: NamedFactory<Compressor> = {
  name: 'none',
  plugin: '@fedtune/core',
  description: 'no compression: the update as float32, 4 bytes per coordinate',
  optionsSchema: NO_OPTIONS,
  create: (options) => {
    parseOptions('compressor none', NO_OPTIONS, options);
    return {
      name: 'none',
      encode: (update) => encodeFloat32Payload(update),
      decode: (payload, length) => decodeFloat32Payload(payload, length),
    };
  },
};
