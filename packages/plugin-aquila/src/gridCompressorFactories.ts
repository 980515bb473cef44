import { parseOptions, type Compressor, type NamedFactory } from '@fedtune/core';
import type { z } from 'zod';
import { aquilaCompressorDescription, laqCompressorDescription } from './components.js';
import { GridInnovationCompressor } from './gridInnovationCompressor.js';
import type { BitWidthRule } from './innovationQuantiser.js';
import { OfficialAquilaCompressor } from './officialAquilaCompressor.js';
import { aquilaOptions, laqOptions } from './options.js';
import { UploadBitsLog } from './uploadBitsLog.js';

/** Payload tags: AQUILA's and LAQ's bytes look alike, so each names its sender. */
const AQUILA_TAG = 'AQLA';
const LAQ_TAG = 'LAQG';

/** ρ of `bitWidth: "relativeError"` when `maxRelativeError` is not given. */
export const DEFAULT_MAX_RELATIVE_ERROR = 0.5;

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
  ...aquilaCompressorDescription,
  create: (options, context) => {
    const parsed = parseAquilaCompressorOptions(options);
    const rule = bitWidthRuleOf(parsed);
    const bitsLog = parsed.bitsLogDir === undefined ? undefined : new UploadBitsLog(parsed.bitsLogDir, `aquila-bits-seed-${context.seed}.jsonl`);
    return parsed.protocol === 'official'
      ? new OfficialAquilaCompressor(rule, bitsLog)
      : new GridInnovationCompressor('aquila', AQUILA_TAG, rule, bitsLog);
  },
};

/** The `laq` compressor: option `bits` (default 6). */
export const laqCompressorFactory: NamedFactory<Compressor> = {
  ...laqCompressorDescription,
  create: (options) =>
    new GridInnovationCompressor('laq', LAQ_TAG, parseOptions('compressor laq', laqOptions, options).bits),
};
