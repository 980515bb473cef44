import { afterAll, beforeAll, describe } from 'vitest';
import { ReferenceBackend } from '../backend/index.js';
import type { Backend } from '../contracts/backend.js';
import { describeErrors } from './errorProperties.js';
import { describeFloatKernels } from './floatProperties.js';
import { describeIntegerKernels } from './integerProperties.js';
import { describeLargeSizes } from './largeProperties.js';
import { createSuite, type SuiteSettings } from './suite.js';

/** How {@link describeBackendConformance} runs. Every field has a default. */
export interface ConformanceOptions {
  /** The backend results are compared with (default: core's reference backend). */
  reference?: Backend;
  /**
   * Length of the "past one texture" cases (default 70_001, a prime beyond a 16384-texel texture
   * side and a 256×256 texture). Lower it where a software-emulated GPU makes long vectors slow.
   */
  largeSize?: number;
  /** fast-check runs per property (default 40). */
  numRuns?: number;
  /** fast-check runs per property at the large size (default 2). */
  largeRuns?: number;
  /** fast-check seed, to replay a failure it printed (default: a fresh one each run). */
  seed?: number;
  /** Releases the backend after the suite (a GPU context, a worker). */
  dispose?: (backend: Backend) => void | Promise<void>;
}

/**
 * Registers vitest tests that hold a `Backend` to the contract: float kernels within the
 * documented tolerances ({@link FLOAT_TOLERANCES}) of the exact value and of the reference,
 * integer kernels (quantisation codes, masks, packed bits) identical to the reference for the same
 * inputs and seed, sizes from 1 through primes to past one texture, values with zeros,
 * subnormals and large magnitudes, and every bad input failing with the reference's error class
 * and message. Call it at the top level of a test file:
 *
 * ```ts
 * import { describeBackendConformance } from '@fedtune/core/testing';
 * import { MyBackend } from '../src/index.js';
 * describeBackendConformance('my-backend', () => new MyBackend());
 * ```
 *
 * @param name Shown in the test names.
 * @param makeBackend Called once before the tests; may return a promise.
 */
export function describeBackendConformance(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  options: ConformanceOptions = {}
): void {
  const settings: SuiteSettings = {
    reference: options.reference ?? new ReferenceBackend(),
    largeSize: options.largeSize ?? 70_001,
    numRuns: options.numRuns ?? 40,
    largeRuns: options.largeRuns ?? 2,
    seed: options.seed,
  };
  describe(`Backend conformance: ${name}`, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await makeBackend();
    });
    afterAll(async () => {
      if (backend !== undefined) await options.dispose?.(backend);
    });
    const suite = createSuite(settings, () => {
      if (backend === undefined)
        throw new Error(`the backend "${name}" was not created: see the error of the suite's setup`);
      return backend;
    });
    describeFloatKernels(suite);
    describeIntegerKernels(suite);
    describeLargeSizes(suite);
    describeErrors(suite);
  });
}
