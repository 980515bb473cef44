import { ReferenceBackend } from '@fedtune/core';
import {
  assertIdentical,
  assertWithinTolerance,
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
} from '@fedtune/core/testing';
import type { KernelCall } from './wire.js';

const reference = new ReferenceBackend();

/** How a float result is judged: its expectation given the call's arguments. */
const FLOAT_EXPECTATIONS: Record<string, (...args: never[]) => Expectation> = {
  matmul: matmulExpectation,
  axpy: axpyExpectation,
  scale: scaleExpectation,
  weightedSum: weightedSumExpectation,
  dot: dotExpectation,
  norm2: norm2Expectation,
  normInf: normInfExpectation,
  pairwiseSquaredEuclidean: pairwiseSquaredEuclideanExpectation,
  pairwiseCosine: pairwiseCosineExpectation,
  stochasticDequantize: stochasticDequantizeExpectation,
  gridDequantize: gridDequantizeExpectation,
  maskedApply: maskedApplyExpectation,
};

/**
 * Holds a result to the reference: float results within tolerance, integer ones (and the scalars
 * beside quantisation codes) identical. Throws an Error saying where they differ. Runs in Node
 * and in a browser.
 */
export function assertAgrees({ method, args }: KernelCall, actual: unknown): void {
  const expected = (reference as unknown as Record<string, (...values: unknown[]) => unknown>)[method]!.apply(
    reference,
    [...args]
  );
  const expectation = FLOAT_EXPECTATIONS[method];
  if (expectation !== undefined) {
    assertWithinTolerance(
      method,
      actual as Float32Array | number,
      expected as Float32Array | number,
      expectation(...(args as never[]))
    );
  } else if (method === 'stochasticQuantize' || method === 'gridQuantize') {
    const { codes, ...scalars } = actual as { codes: Int32Array } & Record<string, number>;
    const { codes: expectedCodes, ...expectedScalars } = expected as { codes: Int32Array } & Record<string, number>;
    assertIdentical(`${method} codes`, codes, expectedCodes);
    for (const [key, value] of Object.entries(expectedScalars)) {
      assertIdentical(`${method} ${key}`, [scalars[key]!], [value]);
    }
  } else {
    assertIdentical(method, actual as ArrayLike<number>, expected as ArrayLike<number>);
  }
}
