import fc from 'fast-check';
import { buildVector, MAX_FLOAT32, VALUE_PROFILES, type ValueProfile, type VectorRecipe } from './values.js';

/**
 * Lengths every kernel is tried at: 1, primes, and lengths that are not multiples of 4 (a
 * texture packs four floats per texel), up to a few hundred. The large length is separate.
 */
export const SMALL_LENGTHS: readonly number[] = [1, 2, 3, 5, 6, 7, 10, 13, 31, 61, 98, 127, 251, 257, 509];

/** Matrix dimensions: 1, small primes and non-multiples of 4. */
export const MATRIX_DIMENSIONS: readonly number[] = [1, 2, 3, 5, 7, 10, 13, 17, 31, 37];

/** A recipe for a vector of one of `lengths`, drawing values from `profiles`. */
export function recipe(
  lengths: readonly number[],
  largest: number,
  profiles: readonly ValueProfile[] = VALUE_PROFILES
): fc.Arbitrary<VectorRecipe> {
  return fc.record({
    length: fc.constantFrom(...lengths),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    profile: fc.constantFrom(...profiles),
    largest: fc.constant(largest),
  });
}

/** A vector of one of `lengths`. */
export function vector(
  lengths: readonly number[],
  largest: number,
  profiles?: readonly ValueProfile[]
): fc.Arbitrary<Float32Array> {
  return recipe(lengths, largest, profiles).map(buildVector);
}

/** Two vectors of one shared length. */
export function vectorPair(lengths: readonly number[], largest: number): fc.Arbitrary<[Float32Array, Float32Array]> {
  return fc
    .tuple(recipe(lengths, largest), fc.integer({ min: 0, max: 0x7fffffff }), fc.constantFrom(...VALUE_PROFILES))
    .map(([first, seed, profile]) => [buildVector(first), buildVector({ ...first, seed, profile })]);
}

/**
 * A float64 scalar factor (alpha, a weight): 0, ±1, ordinary values, tiny ones whose float32
 * rounding would be subnormal or zero, and large ones.
 */
export function scalar(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(0, 1, -1, 0.5, -3, 1e-40, -1e-45, 2 ** 40, -(2 ** 20)),
    fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: 1e-60, max: 1e-30, noNaN: true })
  );
}

/**
 * Thresholds for magnitudeMask around the values of x: exact magnitudes, float64 neighbours, 0,
 * negatives, subnormals, beyond float32.
 */
export function thresholdFor(x: Float32Array): fc.Arbitrary<number> {
  const magnitudes = x.length > 0 ? Array.from(x, Math.abs) : [1];
  return fc.oneof(
    fc.constantFrom(...magnitudes),
    fc.constantFrom(...magnitudes).chain((m) => fc.constantFrom(m * (1 + 2 ** -30), m * (1 - 2 ** -30))),
    fc.constantFrom(0, -1, 2 ** -149, 2 ** -140, 1e-40, MAX_FLOAT32, 1e39),
    fc.double({ min: 0, max: 1000, noNaN: true })
  );
}

/** An index into a vector of `length` (0 for an empty one). */
export function position(length: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: Math.max(0, length - 1) });
}
