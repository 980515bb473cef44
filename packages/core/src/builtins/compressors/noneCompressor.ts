import type { Compressor } from '../../contracts/compressor.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { z } from 'zod';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../wire/float32Payload.js';
import { parseOptions } from '../options.js';

/** The `none` compressor: every value as fp32, 32 bits per coordinate plus a 9-byte header. */
export const noneCompressorFactory: NamedFactory<Compressor> = {
  name: 'none',
  plugin: '@fedtune/core',
  create: (options) => {
    parseOptions('compressor none', z.strictObject({}), options);
    return {
      name: 'none',
      encode: (update) => encodeFloat32Payload(update),
      decode: (payload, length) => decodeFloat32Payload(payload, length),
    };
  },
};
