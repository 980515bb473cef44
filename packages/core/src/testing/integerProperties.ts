import fc from 'fast-check';
import { counterUniforms } from '../random/counterRandom.js';
import { recipe, SMALL_LENGTHS, thresholdFor, vector, vectorPair } from './arbitraries.js';
import { assertIdentical } from './checks.js';
import {
  assertGridContract,
  assertMagnitudeMaskContract,
  assertQsgdContract,
  assertTopKContract,
  packBitsOracle,
  unpackBitsOracle,
} from './invariants.js';
import type { Suite } from './suite.js';
import { buildVector, MAX_FLOAT32 } from './values.js';

/** QSGD level counts: small, typical, at 16 and 22 bits, and the largest the contract allows. */
const QSGD_LEVELS = [1, 2, 3, 7, 15, 127, 255, 65535, 2 ** 22, 2 ** 31 - 1];

/**
 * Uniform draws that sit exactly on QSGD's decision points for small-integer vectors (0, halves,
 * quarters), mixed with ordinary counter-based draws.
 */
function boundaryUniforms(length: number, seed: number): Float32Array {
  const draws = counterUniforms({ seed, round: 1, client: 0, stream: 3 }, length);
  return draws.map((u, i) => (i % 3 === 0 ? [0, 0.25, 0.5, 0.75][Math.floor(u * 4)]! : u));
}

/** Registers the integer kernels' properties: identical to the reference, and true to the contract. */
export function describeIntegerKernels(suite: Suite): void {
  const { reference } = suite.settings;
  suite.group('integer kernels are identical to the reference and keep the contract', () => {
    suite.property(
      'stochasticQuantize: identical codes and norm for the same seed',
      fc.tuple(vector(SMALL_LENGTHS, MAX_FLOAT32), fc.constantFrom(...QSGD_LEVELS), fc.nat(), fc.boolean()),
      ([x, levels, seed, onBoundaries]) => {
        const uniforms = onBoundaries
          ? boundaryUniforms(x.length, seed)
          : counterUniforms({ seed, round: 0, client: 0, stream: 3 }, x.length);
        const result = suite.backend().stochasticQuantize(x, levels, uniforms);
        const expected = reference.stochasticQuantize(x, levels, uniforms);
        assertIdentical('stochasticQuantize codes', result.codes, expected.codes);
        assertIdentical('stochasticQuantize norm', [result.norm], [expected.norm]);
        assertQsgdContract(x, levels, result);
      }
    );

    suite.property(
      'gridQuantize: identical codes and radius, centres equal to x included',
      fc.tuple(
        vectorPair(SMALL_LENGTHS, MAX_FLOAT32),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom('apart', 'some equal', 'all equal')
      ),
      ([[x, other], bits, centring]) => {
        const center =
          centring === 'all equal'
            ? x.slice()
            : centring === 'some equal'
            ? other.map((v, i) => (i % 2 === 0 ? x[i]! : v))
            : other;
        const result = suite.backend().gridQuantize(x, center, bits);
        const expected = reference.gridQuantize(x, center, bits);
        assertIdentical('gridQuantize codes', result.codes, expected.codes);
        assertIdentical('gridQuantize radius', [result.radius], [expected.radius]);
        assertGridContract(x, center, bits, result);
      }
    );

    suite.property(
      'topKMask: identical masks for every k, with ties, zeros and subnormals',
      vector([0, ...SMALL_LENGTHS], MAX_FLOAT32).chain((x) =>
        fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.length }))
      ),
      ([x, k]) => {
        const mask = suite.backend().topKMask(x, k);
        assertIdentical('topKMask', mask, reference.topKMask(x, k));
        assertTopKContract(x, k, mask);
      }
    );

    suite.property(
      'magnitudeMask: identical masks for thresholds on, beside and between the magnitudes',
      vector(SMALL_LENGTHS, MAX_FLOAT32).chain((x) => fc.tuple(fc.constant(x), thresholdFor(x))),
      ([x, threshold]) => {
        const mask = suite.backend().magnitudeMask(x, threshold);
        assertIdentical('magnitudeMask', mask, reference.magnitudeMask(x, threshold));
        assertMagnitudeMaskContract(x, threshold, mask);
      }
    );

    suite.property(
      'packBits and unpackBits: identical bytes and codes for 1 to 32 bits, and a round trip',
      fc.tuple(fc.integer({ min: 1, max: 32 }), recipe([0, ...SMALL_LENGTHS], 1)),
      ([bits, codesRecipe]) => {
        const codes = codesOf(buildVector({ ...codesRecipe, profile: 'ordinary' }), bits);
        const bytes = suite.backend().packBits(codes, bits);
        assertIdentical('packBits', bytes, reference.packBits(codes, bits));
        assertIdentical('packBits (bit by bit)', bytes, packBitsOracle(codes, bits));
        assertIdentical('unpackBits', suite.backend().unpackBits(bytes, bits, codes.length), codes);
      }
    );

    suite.property(
      'unpackBits: identical codes from arbitrary bytes, unused high bits set',
      fc.tuple(fc.integer({ min: 1, max: 32 }), fc.constantFrom(0, ...SMALL_LENGTHS), fc.nat()),
      ([bits, count, seed]) => {
        const byteCount = Math.ceil((count * bits) / 8);
        const bytes = Uint8Array.from(counterUniforms({ seed, round: 2, client: 0, stream: 1901 }, byteCount), (u) =>
          Math.floor(u * 256)
        );
        const codes = suite.backend().unpackBits(bytes, bits, count);
        assertIdentical('unpackBits', codes, reference.unpackBits(bytes, bits, count));
        assertIdentical('unpackBits (bit by bit)', codes, unpackBitsOracle(bytes, bits, count));
      }
    );
  });
}

/**
 * Codes below 2^bits from a vector's values: the vector's own bit patterns mixed with the extremes
 * 0 and 2^bits − 1.
 */
export function codesOf(values: Float32Array, bits: number): Uint32Array {
  const largest = 2 ** bits - 1;
  const patterns = new Uint32Array(values.buffer, values.byteOffset, values.length);
  return patterns.map((pattern, i) => (i % 5 === 0 ? largest : i % 7 === 0 ? 0 : pattern % (largest + 1)));
}
