import { parseOptions, type Compressor, type NamedFactory } from '@fedtune/core';
import { z } from 'zod';
import { GridInnovationCompressor } from './gridInnovationCompressor.js';
import { MAX_BITS, MIN_BITS } from './innovationQuantiser.js';
import { PACKAGE_NAME } from './packageName.js';

/** Payload tags: AQUILA's and LAQ's bytes look alike, so each names its sender. */
const AQUILA_TAG = 'AQLA';
const LAQ_TAG = 'LAQG';

/** The `aquila` compressor: b* per client and round, no options. */
export const aquilaCompressorFactory: NamedFactory<Compressor> = {
  name: 'aquila',
  plugin: PACKAGE_NAME,
  create: (options) => {
    parseOptions('compressor aquila', z.strictObject({}), options);
    return new GridInnovationCompressor('aquila', AQUILA_TAG, 'aquila');
  },
};

const laqOptions = z.strictObject({
  /** Bits per coordinate, fixed (AQUILA's LAQ baseline: 6; LAQ's own MNIST script: 4). */
  bits: z.number().int().min(MIN_BITS).max(MAX_BITS).default(6),
});

/** The `laq` compressor: option `bits` (default 6). */
export const laqCompressorFactory: NamedFactory<Compressor> = {
  name: 'laq',
  plugin: PACKAGE_NAME,
  create: (options) =>
    new GridInnovationCompressor('laq', LAQ_TAG, parseOptions('compressor laq', laqOptions, options).bits),
};
