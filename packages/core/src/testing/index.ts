/**
 * `@fedtune/core/testing`: the backend conformance kit. Needs the optional peer dependencies
 * `vitest` and `fast-check`.
 */
export { describeBackendConformance, type ConformanceOptions } from './conformance.js';
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
