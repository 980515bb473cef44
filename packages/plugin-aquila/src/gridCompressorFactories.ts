import { parseOptions, type Compressor, type NamedFactory } from '@fedtune/core';
import { z } from 'zod';
import { GridInnovationCompressor } from './gridInnovationCompressor.js';
import { MAX_BITS, MIN_BITS, type BitWidthRule } from './innovationQuantiser.js';
import { OfficialAquilaCompressor } from './officialAquilaCompressor.js';
import { PACKAGE_NAME } from './packageName.js';
import { UploadBitsLog } from './uploadBitsLog.js';

/** Payload tags: AQUILA's and LAQ's bytes look alike, so each names its sender. */
const AQUILA_TAG = 'AQLA';
const LAQ_TAG = 'LAQG';

/** ρ of `bitWidth: "relativeError"` when `maxRelativeError` is not given. */
export const DEFAULT_MAX_RELATIVE_ERROR = 0.5;

const aquilaOptions = z
  .strictObject({
    /**
     * `applied`: the server decodes the quantised upload and aggregates it (fedtune's stricter test
     * of AQUILA); `official`: the client sends its full-precision update, which the server averages
     * with the other uploaders', and the quantised vector serves only the skip rule and the bit
     * count (the paper's own protocol, as its code runs it).
     */
    protocol: z.enum(['applied', 'official']).default('applied'),
    /**
     * `bStar`: the paper's b*; `bStarPlusOne`: b* + 1; `relativeError`: the smallest b whose
     * quantisation error is at most `maxRelativeError` times the innovation's norm.
     */
    bitWidth: z.enum(['bStar', 'bStarPlusOne', 'relativeError']).default('bStar'),
    maxRelativeError: z.number().gt(0).max(1).optional().describe('ρ of `bitWidth: "relativeError"`, in (0, 1]; 0.5 when not given'),
    bitsLogDir: z.string().min(1).optional().describe("a folder where the server logs each decoded upload's b and b·d to `aquila-bits-seed-<seed>.jsonl`"),
  })
  .refine((o) => o.maxRelativeError === undefined || o.bitWidth === 'relativeError', {
    message: 'maxRelativeError applies only with bitWidth "relativeError"; set bitWidth to "relativeError" or remove maxRelativeError',
  });

/** Validated options of the `aquila` compressor. */
export type AquilaCompressorOptions = z.output<typeof aquilaOptions>;

/** Validates the `aquila` compressor's options, filling the defaults. */
export function parseAquilaCompressorOptions(options: Readonly<Record<string, unknown>>): AquilaCompressorOptions {
  return parseOptions('compressor aquila', aquilaOptions, options);
}

/** The bit-width rule the options choose. */
export function bitWidthRuleOf(options: AquilaCompressorOptions): BitWidthRule {
  if (options.bitWidth !== 'relativeError') return options.bitWidth;
  return { maxRelativeError: options.maxRelativeError ?? DEFAULT_MAX_RELATIVE_ERROR };
}

/** The `aquila` compressor; see {@link AquilaCompressorOptions}. */
export const aquilaCompressorFactory: NamedFactory<Compressor> = {
  name: 'aquila',
  plugin: PACKAGE_NAME,
  description: 'AQUILA: the innovation quantised on a grid with an adaptive bit width',
  optionsSchema: aquilaOptions,
  create: (options, context) => {
    const parsed = parseAquilaCompressorOptions(options);
    const rule = bitWidthRuleOf(parsed);
    const bitsLog = parsed.bitsLogDir === undefined ? undefined : new UploadBitsLog(parsed.bitsLogDir, `aquila-bits-seed-${context.seed}.jsonl`);
    return parsed.protocol === 'official'
      ? new OfficialAquilaCompressor(rule, bitsLog)
      : new GridInnovationCompressor('aquila', AQUILA_TAG, rule, bitsLog);
  },
};

const laqOptions = z.strictObject({
  bits: z.number().int().min(MIN_BITS).max(MAX_BITS).default(6).describe("bits per coordinate, fixed (AQUILA's LAQ baseline: 6; LAQ's own MNIST script: 4)"),
});

/** The `laq` compressor: option `bits` (default 6). */
export const laqCompressorFactory: NamedFactory<Compressor> = {
  name: 'laq',
  plugin: PACKAGE_NAME,
  description: 'LAQ: the innovation quantised on a grid with a fixed bit width',
  optionsSchema: laqOptions,
  create: (options) =>
    new GridInnovationCompressor('laq', LAQ_TAG, parseOptions('compressor laq', laqOptions, options).bits),
};
