import { z } from 'zod';
import { MAX_BITS, MIN_BITS } from './innovationQuantiser.js';
import { lazySelectorOptionFields } from './lazySelectorOptions.js';

// Every component's options schema, apart from the component: the component manifest
// (components.ts) lists them without loading core's engine, and each factory validates with the
// same object.

/** Options of the aggregator `aquila`. */
export const aquilaAggregatorOptions = z
  .strictObject({
    /**
     * `lazy`: the mean of this round's uploads and of the last uploads of the participants that
     * skipped (LAQ and the paper); `uploadersOnly`: the mean of this round's uploads alone. Both
     * average what the compressor decodes, which for the `aquila` and `laq` compressors is the
     * quantised upload.
     */
    mode: z.enum(['lazy', 'uploadersOnly']).default('lazy'),
    maxReuseAge: z.number().int().positive().optional().describe("`lazy` only: a skipped client's last upload is re-applied while at most this many rounds old (10 by default)"),
  })
  .refine((o) => o.maxReuseAge === undefined || o.mode === 'lazy', {
    message: 'maxReuseAge applies only to mode "lazy", which re-applies stored uploads; remove it or set mode to "lazy"',
  });

/** Options of the compressor `aquila`. */
export const aquilaOptions = z
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

/** Options of the compressor `laq`. */
export const laqOptions = z.strictObject({
  bits: z.number().int().min(MIN_BITS).max(MAX_BITS).default(6).describe("bits per coordinate, fixed (AQUILA's LAQ baseline: 6; LAQ's own MNIST script: 4)"),
});

/** Options of the compressor `adaquantfl`. */
export const adaQuantFlOptions = z
  .strictObject({
    s0: z.number().int().positive().default(6).describe("s₀, the precision at the client's first upload"),
    cap: z.number().int().positive().default(16).describe('the largest precision s_k may reach'),
    /**
     * What s counts: `bits` per coordinate of the QSGD code (AQUILA's baseline, which counts s·d
     * bits), or QSGD `levels` (AdaQuantFL's paper).
     */
    unit: z.enum(['bits', 'levels']).default('bits'),
  })
  .refine((o) => o.unit === 'levels' || (o.s0 >= 2 && o.cap <= 16), {
    message: 'with unit "bits", s0 must be at least 2 (a sign and one magnitude bit) and cap at most 16',
  })
  .refine((o) => o.unit === 'bits' || o.cap <= 65535, { message: 'with unit "levels", cap must be at most 65535' })
  .refine((o) => o.s0 <= o.cap, { message: 's0 must not exceed cap' });

/** Options of the selector `aquila`. */
export const aquilaSelectorOptions = z.strictObject({
  ...lazySelectorOptionFields,
  ruleVariant: z.enum(['innovation', 'officialUuu']).default('innovation').describe('`innovation`: ‖Δq‖² + γ‖ε‖²; `officialUuu`: ‖q_m‖² + ‖ε at the last upload‖² (the official CIFAR script)'),
  gamma: z.number().nonnegative().default(1).describe('γ, the weight of the new quantisation error in the innovation form'),
  beta: z.number().nonnegative().default(0.5).describe("β, the threshold's weight on the last global step"),
});

/** Options of the selector `laq`. */
export const laqSelectorOptions = z.strictObject({
  ...lazySelectorOptionFields,
  bits: z.undefined({ error: 'the laq selector judges the upload the laq compressor prepares, at the compressor\'s bits; remove bits here and set it on the compressor' }).optional().describe("kept only to explain its removal: the rule judges the `laq` compressor's upload, at that compressor's `bits`"),
  window: z.number().int().positive().default(10).describe('D, how many past global steps the threshold weighs'),
  xi: z.number().nonnegative().default(0.8).describe('Σ_d ξ_d, spread evenly over the past steps (LAQ: ξ_d = 0.8/D)'),
});
