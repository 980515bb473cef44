import {
  parseOptions,
  type NamedFactory,
  type Selector,
  type UploadContext,
} from '@fedtune/core';
import type { z } from 'zod';
import { aquilaSelectorDescription } from './components.js';
import { decideLazyUpload, globalStepNorm2, type UploadCandidate } from './lazyUploadDecision.js';
import { aquilaSelectorOptions } from './options.js';
import { SampledLazySelector } from './sampledLazySelector.js';

/** Validated options of the `aquila` selector. */
export type AquilaSelectorOptions = z.output<typeof aquilaSelectorOptions>;

/** Validates the `aquila` selector's options, filling the defaults. */
export function parseAquilaSelectorOptions(options: Readonly<Record<string, unknown>>): AquilaSelectorOptions {
  return parseOptions('selector aquila', aquilaSelectorOptions, options);
}

/**
 * AQUILA's device selection. The server samples participants uniformly (core's
 * {@link UniformSelector}); each participant then uploads only if the upload the `aquila`
 * compressor prepared (the grid centred on its last upload, at the compressor's bit width, in
 * either protocol) is worth more than the global model just moved:
 * LHS > (β/α²)·‖θ^k − θ^{k−1}‖², with the exact last two global models. In round 0 the step is
 * zero, so every client uploads; a client that never uploaded or that skipped C times always does.
 */
export class AquilaSelector extends SampledLazySelector {
  readonly name = 'aquila';
  readonly requires = { partners: { compressor: ['aquila'] }, reason: 'its skip rule weighs the upload that compressor quantises' };
  constructor(readonly options: AquilaSelectorOptions) {
    super(options.fraction);
  }

  shouldUpload(context: UploadContext): boolean {
    return decideLazyUpload(context, { selector: 'aquila', compressor: 'aquila' }, this.options.maxStaleness, (candidate) => {
      const { beta, alpha } = this.options;
      return this.leftHandSide(candidate, context) > (beta / (alpha * alpha)) * globalStepNorm2(context);
    });
  }

  private leftHandSide(candidate: UploadCandidate, { backend }: UploadContext): number {
    if (this.options.ruleVariant === 'innovation') {
      return candidate.innovationNorm2 + this.options.gamma * candidate.errorNorm2;
    }
    const lastNorm = backend.norm2(candidate.lastUpload);
    return lastNorm * lastNorm + candidate.lastErrorNorm2;
  }
}

/** The `aquila` selector; see {@link AquilaSelectorOptions} for its options. */
export const aquilaSelectorFactory: NamedFactory<Selector> = {
  ...aquilaSelectorDescription,
  create: (options) => new AquilaSelector(parseAquilaSelectorOptions(options)),
};
