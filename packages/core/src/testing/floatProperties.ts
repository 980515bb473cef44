import fc from 'fast-check';
import type { MatmulShape } from '../contracts/backend.js';
import { counterUniforms } from '../random/counterRandom.js';
import { MATRIX_DIMENSIONS, recipe, scalar, SMALL_LENGTHS, vector, vectorPair } from './arbitraries.js';
import { assertContract, assertWithinTolerance } from './checks.js';
import type { Suite } from './suite.js';
import {
  axpyExpectation,
  dotExpectation,
  FLOAT_TOLERANCES,
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
} from './tolerances.js';
import { buildMatrix, buildVector, MAX_FLOAT32 } from './values.js';

/** Magnitudes whose products and short sums stay within float32 (matrix entries, weighted vectors). */
const PRODUCT_SAFE = 2 ** 50;
/** Magnitudes for kernels that scale or compare rather than multiply two inputs. */
const WIDE = 2 ** 100;

/** Registers the float kernels' properties: within tolerance of the exact value and of the reference. */
export function describeFloatKernels(suite: Suite): void {
  const { reference } = suite.settings;
  suite.group('float kernels stay within tolerance of the exact value and of the reference', () => {
    suite.property(
      `matmul, all four transposes: ${FLOAT_TOLERANCES.matmul}`,
      fc.tuple(
        fc.constantFrom(...MATRIX_DIMENSIONS),
        fc.constantFrom(...MATRIX_DIMENSIONS),
        fc.constantFrom(...MATRIX_DIMENSIONS),
        fc.boolean(),
        fc.boolean(),
        recipe([1], PRODUCT_SAFE),
        recipe([1], PRODUCT_SAFE)
      ),
      ([m, k, n, transposeA, transposeB, aRecipe, bRecipe]) => {
        const shape: MatmulShape = { m, k, n, transposeA, transposeB };
        const a = buildMatrix(aRecipe, m, k);
        const b = buildMatrix(bRecipe, k, n);
        assertWithinTolerance(
          'matmul',
          suite.backend().matmul(a, b, shape),
          reference.matmul(a, b, shape),
          matmulExpectation(a, b, shape)
        );
      }
    );

    suite.property(
      `axpy: ${FLOAT_TOLERANCES.axpy}`,
      fc.tuple(scalar(), vectorPair(SMALL_LENGTHS, WIDE)),
      ([alpha, [x, y]]) => {
        assertWithinTolerance(
          'axpy',
          suite.backend().axpy(alpha, x, y),
          reference.axpy(alpha, x, y),
          axpyExpectation(alpha, x, y)
        );
      }
    );

    suite.property(
      `scale: ${FLOAT_TOLERANCES.scale}`,
      fc.tuple(scalar(), vector(SMALL_LENGTHS, WIDE)),
      ([alpha, x]) => {
        assertWithinTolerance(
          'scale',
          suite.backend().scale(alpha, x),
          reference.scale(alpha, x),
          scaleExpectation(alpha, x)
        );
      }
    );

    suite.property(
      `weightedSum: ${FLOAT_TOLERANCES.weightedSum}`,
      fc
        .tuple(recipe(SMALL_LENGTHS, PRODUCT_SAFE), fc.integer({ min: 1, max: 6 }))
        .chain(([first, count]) =>
          fc.tuple(
            fc.constant(Array.from({ length: count }, (_, v) => buildVector({ ...first, seed: first.seed + v }))),
            fc.array(scalar(), { minLength: count, maxLength: count })
          )
        ),
      ([vectors, weights]) => {
        assertWithinTolerance(
          'weightedSum',
          suite.backend().weightedSum(vectors, weights),
          reference.weightedSum(vectors, weights),
          weightedSumExpectation(vectors, weights)
        );
      }
    );

    suite.property(
      `dot, including float32's extremes: ${FLOAT_TOLERANCES.dot}`,
      vectorPair(SMALL_LENGTHS, MAX_FLOAT32),
      ([x, y]) => {
        assertWithinTolerance('dot', suite.backend().dot(x, y), reference.dot(x, y), dotExpectation(x, y));
      }
    );

    suite.property(
      `norm2, including float32's extremes: ${FLOAT_TOLERANCES.norm2}`,
      vector(SMALL_LENGTHS, MAX_FLOAT32),
      (x) => {
        assertWithinTolerance('norm2', suite.backend().norm2(x), reference.norm2(x), norm2Expectation(x));
      }
    );

    suite.property(`normInf: ${FLOAT_TOLERANCES.normInf}`, vector([0, ...SMALL_LENGTHS], MAX_FLOAT32), (x) => {
      assertWithinTolerance('normInf', suite.backend().normInf(x), reference.normInf(x), normInfExpectation(x));
    });

    suite.property(
      `pairwiseSquaredEuclidean: ${FLOAT_TOLERANCES.pairwiseSquaredEuclidean}`,
      fc.tuple(fc.constantFrom(...MATRIX_DIMENSIONS), fc.constantFrom(...MATRIX_DIMENSIONS), recipe([1], PRODUCT_SAFE)),
      ([n, d, rowsRecipe]) => {
        const rows = buildMatrix(rowsRecipe, n, d);
        const result = suite.backend().pairwiseSquaredEuclidean(rows, n, d);
        assertWithinTolerance(
          'pairwiseSquaredEuclidean',
          result,
          reference.pairwiseSquaredEuclidean(rows, n, d),
          pairwiseSquaredEuclideanExpectation(rows, n, d)
        );
        assertExactlySymmetric('pairwiseSquaredEuclidean', result, n, 0);
      }
    );

    suite.property(
      `pairwiseCosine, with zero rows: ${FLOAT_TOLERANCES.pairwiseCosine}`,
      fc.tuple(
        fc.constantFrom(...MATRIX_DIMENSIONS),
        fc.constantFrom(...MATRIX_DIMENSIONS),
        recipe([1], WIDE),
        fc.array(fc.nat(36), { maxLength: 3 })
      ),
      ([n, d, rowsRecipe, zeroRows]) => {
        const rows = buildMatrix(rowsRecipe, n, d);
        for (const row of zeroRows) if (row < n) rows.fill(0, row * d, (row + 1) * d);
        const result = suite.backend().pairwiseCosine(rows, n, d);
        assertWithinTolerance(
          'pairwiseCosine',
          result,
          reference.pairwiseCosine(rows, n, d),
          pairwiseCosineExpectation(rows, n, d)
        );
        assertExactlySymmetric('pairwiseCosine', result, n, 1);
      }
    );

    suite.property(
      `stochasticDequantize: ${FLOAT_TOLERANCES.stochasticDequantize}`,
      fc.tuple(vector(SMALL_LENGTHS, WIDE), fc.constantFrom(1, 3, 15, 255, 65535), fc.nat()),
      ([x, levels, seed]) => {
        const codes = reference.stochasticQuantize(
          x,
          levels,
          counterUniforms({ seed, round: 0, client: 0, stream: 3 }, x.length)
        );
        assertWithinTolerance(
          'stochasticDequantize',
          suite.backend().stochasticDequantize(codes, levels),
          reference.stochasticDequantize(codes, levels),
          stochasticDequantizeExpectation(codes, levels)
        );
      }
    );

    suite.property(
      `gridDequantize: ${FLOAT_TOLERANCES.gridDequantize}`,
      fc.tuple(vectorPair(SMALL_LENGTHS, WIDE), fc.integer({ min: 1, max: 16 })),
      ([[x, center], bits]) => {
        const codes = reference.gridQuantize(x, center, bits);
        assertWithinTolerance(
          'gridDequantize',
          suite.backend().gridDequantize(codes, center, bits),
          reference.gridDequantize(codes, center, bits),
          gridDequantizeExpectation(codes, center, bits)
        );
      }
    );

    suite.property(
      `maskedApply, with mask values other than 0 and 1: ${FLOAT_TOLERANCES.maskedApply}`,
      fc.tuple(recipe(SMALL_LENGTHS, MAX_FLOAT32), fc.constantFrom(2, 3, 255)).map(([xRecipe, variety]) => {
        const x = buildVector(xRecipe);
        const mask = Uint8Array.from(
          buildVector({ ...xRecipe, seed: xRecipe.seed + 1, profile: 'integers' }),
          (v) => Math.abs(v) % variety
        );
        return [x, mask] as const;
      }),
      ([x, mask]) => {
        assertWithinTolerance(
          'maskedApply',
          suite.backend().maskedApply(x, mask),
          reference.maskedApply(x, mask),
          maskedApplyExpectation(x, mask)
        );
      }
    );
  });
}

/** The contract promises exact symmetry and a fixed diagonal for the pairwise matrices. */
function assertExactlySymmetric(kernel: string, matrix: Float32Array, n: number, diagonal: number): void {
  for (let i = 0; i < n; i++) {
    assertContract(
      kernel,
      matrix[i * n + i] === diagonal,
      () => `diagonal entry (${i}, ${i}) is ${matrix[i * n + i]}, expected ${diagonal}`
    );
    for (let j = i + 1; j < n; j++) {
      assertContract(
        kernel,
        matrix[i * n + j] === matrix[j * n + i],
        () => `entries (${i}, ${j}) and (${j}, ${i}) differ`
      );
    }
  }
}
