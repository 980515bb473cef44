import fc from 'fast-check';
import { counterUniforms } from '../random/counterRandom.js';
import { recipe, scalar } from './arbitraries.js';
import { assertIdentical, assertWithinTolerance } from './checks.js';
import { codesOf } from './integerProperties.js';
import { assertTopKContract } from './invariants.js';
import type { Suite } from './suite.js';
import {
  axpyExpectation,
  dotExpectation,
  gridDequantizeExpectation,
  matmulExpectation,
  norm2Expectation,
  normInfExpectation,
  pairwiseCosineExpectation,
  pairwiseSquaredEuclideanExpectation,
  weightedSumExpectation,
} from './tolerances.js';
import { buildVector, MAX_FLOAT32, type ValueProfile } from './values.js';

/**
 * Registers every kernel once more at the large length: vectors longer than one texture side, a
 * matrix product whose output row is that long, and rows that long for the pairwise kernels.
 */
export function describeLargeSizes(suite: Suite): void {
  const { reference, largeSize, largeRuns } = suite.settings;
  const large = (profiles: readonly ValueProfile[] = ['mixed', 'integers']) => recipe([largeSize], 2 ** 50, profiles);
  const property = <T>(title: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void): void =>
    suite.property(title, arbitrary, predicate, largeRuns);

  suite.group(`lengths past one texture (${largeSize} elements)`, () => {
    property('elementwise and reduction kernels', fc.tuple(large(), scalar()), ([xRecipe, alpha]) => {
      const backend = suite.backend();
      const x = buildVector(xRecipe);
      const y = buildVector({ ...xRecipe, seed: xRecipe.seed + 1 });
      assertWithinTolerance(
        'axpy',
        backend.axpy(alpha, x, y),
        reference.axpy(alpha, x, y),
        axpyExpectation(alpha, x, y)
      );
      const vectors = [x, y, x];
      const weights = [alpha, 0.5, -0.25];
      assertWithinTolerance(
        'weightedSum',
        backend.weightedSum(vectors, weights),
        reference.weightedSum(vectors, weights),
        weightedSumExpectation(vectors, weights)
      );
      assertWithinTolerance('dot', backend.dot(x, y), reference.dot(x, y), dotExpectation(x, y));
      assertWithinTolerance('norm2', backend.norm2(x), reference.norm2(x), norm2Expectation(x));
      assertWithinTolerance('normInf', backend.normInf(x), reference.normInf(x), normInfExpectation(x));
    });

    property('quantisers and their inverses', fc.tuple(large(), fc.integer({ min: 1, max: 16 })), ([xRecipe, bits]) => {
      const backend = suite.backend();
      const x = buildVector(xRecipe);
      const center = buildVector({ ...xRecipe, seed: xRecipe.seed + 1 });
      const uniforms = counterUniforms({ seed: xRecipe.seed, round: 0, client: 0, stream: 3 }, x.length);
      const levels = 2 ** bits - 1;
      const stochastic = backend.stochasticQuantize(x, levels, uniforms);
      assertIdentical(
        'stochasticQuantize codes',
        stochastic.codes,
        reference.stochasticQuantize(x, levels, uniforms).codes
      );
      const grid = backend.gridQuantize(x, center, bits);
      assertIdentical('gridQuantize codes', grid.codes, reference.gridQuantize(x, center, bits).codes);
      assertWithinTolerance(
        'gridDequantize',
        backend.gridDequantize(grid, center, bits),
        reference.gridDequantize(grid, center, bits),
        gridDequantizeExpectation(grid, center, bits)
      );
    });

    property(
      'masks',
      fc.tuple(recipe([largeSize], MAX_FLOAT32), fc.double({ min: 0, max: 1, noNaN: true })),
      ([xRecipe, fraction]) => {
        const backend = suite.backend();
        const x = buildVector(xRecipe);
        const k = Math.floor(fraction * x.length);
        const mask = backend.topKMask(x, k);
        assertIdentical('topKMask', mask, reference.topKMask(x, k));
        assertTopKContract(x, k, mask);
        const threshold = Math.abs(x[k % x.length]!);
        assertIdentical('magnitudeMask', backend.magnitudeMask(x, threshold), reference.magnitudeMask(x, threshold));
        assertIdentical('maskedApply', backend.maskedApply(x, mask), reference.maskedApply(x, mask));
      }
    );

    property('bit packing', fc.tuple(large(['ordinary']), fc.integer({ min: 1, max: 32 })), ([codesRecipe, bits]) => {
      const backend = suite.backend();
      const codes = codesOf(buildVector(codesRecipe), bits);
      const bytes = backend.packBits(codes, bits);
      assertIdentical('packBits', bytes, reference.packBits(codes, bits));
      assertIdentical('unpackBits', backend.unpackBits(bytes, bits, codes.length), codes);
    });

    property('matrix kernels with a long side', fc.tuple(large(), fc.boolean()), ([matrixRecipe, transposeB]) => {
      const backend = suite.backend();
      const shape = { m: 2, k: 3, n: largeSize, transposeB };
      const a = buildVector({ ...matrixRecipe, length: 6 });
      const b = buildVector({ ...matrixRecipe, length: 3 * largeSize });
      assertWithinTolerance(
        'matmul',
        backend.matmul(a, b, shape),
        reference.matmul(a, b, shape),
        matmulExpectation(a, b, shape)
      );
      const rows = buildVector({ ...matrixRecipe, length: 3 * largeSize });
      assertWithinTolerance(
        'pairwiseSquaredEuclidean',
        backend.pairwiseSquaredEuclidean(rows, 3, largeSize),
        reference.pairwiseSquaredEuclidean(rows, 3, largeSize),
        pairwiseSquaredEuclideanExpectation(rows, 3, largeSize)
      );
      assertWithinTolerance(
        'pairwiseCosine',
        backend.pairwiseCosine(rows, 3, largeSize),
        reference.pairwiseCosine(rows, 3, largeSize),
        pairwiseCosineExpectation(rows, 3, largeSize)
      );
    });
  });
}
