/**
 * `@fedtune/core/testing`: the backend conformance kit and the checks every plugin runs (its
 * descriptor, resume equality). The backend kit needs the optional peer dependencies `vitest` and
 * `fast-check`.
 */
import 'reflect-metadata';

export { describeBackendConformance, type ConformanceOptions } from './conformance.js';
export { assertPluginDescriptor, type PluginDescriptorExpectations } from './pluginDescriptor.js';
export {
  FLOAT_TOLERANCES,
  axpyExpectation,
  dotExpectation,
  gridDequantizeExpectation,
  maskedApplyExpectation,
  matmulExpectation,
  norm2Expectation,
  normInfExpectation,
  pairwiseCosineExpectation,
  pairwiseSquaredEuclideanExpectation,
  scaleExpectation,
  stochasticDequantizeExpectation,
  weightedSumExpectation,
  type Expectation,
  type FloatKernel,
} from './tolerances.js';
export {
  assertIdentical,
  assertSameError,
  assertWithinTolerance,
  thrownBy,
  type FloatResult,
  type ThrownError,
} from './checks.js';
export { buildVector, buildMatrix, VALUE_PROFILES, type ValueProfile, type VectorRecipe } from './values.js';
export {
  readRunRecords,
  runStoppedAndResumed,
  type ResumeCheckInput,
  type ResumeCheckResult,
  type RunRecord,
} from './resumeCheck.js';
