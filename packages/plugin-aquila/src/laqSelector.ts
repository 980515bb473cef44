import {
  parseOptions,
  type NamedFactory,
  type Selector,
  type UploadContext,
} from '@fedtune/core';
import { z } from 'zod';
import { decideLazyUpload, globalStepNorm2 } from './lazyUploadDecision.js';
import { laqWeightedStepSum, observeGlobalStep } from './observedGlobalSteps.js';
import { lazySelectorOptionFields } from './lazySelectorOptions.js';
import { PACKAGE_NAME } from './packageName.js';
import { SampledLazySelector } from './sampledLazySelector.js';

const laqSelectorOptions = z.strictObject({
  ...lazySelectorOptionFields,
  bits: z.undefined({ error: 'the laq selector judges the upload the laq compressor prepares, at the compressor\'s bits; remove bits here and set it on the compressor' }).optional().describe("kept only to explain its removal: the rule judges the `laq` compressor's upload, at that compressor's `bits`"),
  window: z.number().int().positive().default(10).describe('D, how many past global steps the threshold weighs'),
  xi: z.number().nonnegative().default(0.8).describe('Σ_d ξ_d, spread evenly over the past steps (LAQ: ξ_d = 0.8/D)'),
});

/** Validated options of the `laq` selector. */
export type LaqSelectorOptions = z.output<typeof laqSelectorOptions>;

/** Validates the `laq` selector's options, filling the defaults. */
export function parseLaqSelectorOptions(options: Readonly<Record<string, unknown>>): LaqSelectorOptions {
  return parseOptions('selector laq', laqSelectorOptions, options);
}

/**
 * LAQ's skip rule (Sun et al. 2019) under uniform sampling: a participant uploads iff
 * ‖Q(g) − q_m‖² > (1/α²)·Σ_d ξ_d‖θ^{k+1−d} − θ^{k−d}‖² + 3(‖ε^k‖² + ‖ε̂_m‖²), with Q(g) the upload the
 * `laq` compressor prepared (its fixed-width grid centred on the last upload). LAQ's 1/M² is absent because our server step is
 * already the mean of the uploads, where LAQ's is their sum.
 */
export class LaqSelector extends SampledLazySelector {
  readonly name = 'laq';
  readonly requires = { partners: { compressor: ['laq'] }, reason: 'its skip rule weighs the upload that compressor quantises' };
  constructor(readonly options: LaqSelectorOptions) {
    super(options.fraction);
  }

  shouldUpload(context: UploadContext): boolean {
    const { window, xi, alpha, maxStaleness } = this.options;
    const observed = observeGlobalStep(context.memory, context.round, globalStepNorm2(context), window);
    const stepSum = laqWeightedStepSum(observed, context.round, window, xi);
    return decideLazyUpload(context, { selector: 'laq', compressor: 'laq' }, maxStaleness, (candidate) => {
      const errors = 3 * (candidate.errorNorm2 + candidate.lastErrorNorm2);
      return candidate.innovationNorm2 > stepSum / (alpha * alpha) + errors;
    });
  }
}

/** The `laq` selector; see {@link LaqSelectorOptions} for its options. */
export const laqSelectorFactory: NamedFactory<Selector> = {
  name: 'laq',
  plugin: PACKAGE_NAME,
  description: "LAQ's skip rule: a client uploads only when its innovation outweighs recent model steps",
  optionsSchema: laqSelectorOptions,
  create: (options) => new LaqSelector(parseLaqSelectorOptions(options)),
};
