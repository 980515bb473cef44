import {
  parseOptions,
  type NamedFactory,
  type Selector,
  type UploadContext,
} from '@fedtune/core';
import type { z } from 'zod';
import { laqSelectorDescription } from './components.js';
import { decideLazyUpload, globalStepNorm2 } from './lazyUploadDecision.js';
import { laqWeightedStepSum, observeGlobalStep } from './observedGlobalSteps.js';
import { laqSelectorOptions } from './options.js';
import { SampledLazySelector } from './sampledLazySelector.js';

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
  ...laqSelectorDescription,
  create: (options) => new LaqSelector(parseLaqSelectorOptions(options)),
};
