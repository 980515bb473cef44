/**
 * Deterministic test vectors for the conformance kit, built from core's counter-based random
 * function so that a fast-check counterexample (a seed, a length, a profile) rebuilds the same
 * vector on every backend and in every process, however long the vector.
 */
import { counterUniform, type RandomKey } from '../random/counterRandom.js';

/** Largest finite float32. */
export const MAX_FLOAT32 = (2 - 2 ** -23) * 2 ** 127;
/** Smallest positive normal float32. */
export const MIN_NORMAL_FLOAT32 = 2 ** -126;

/**
 * Which values a vector holds:
 * - `mixed`: zeros of both signs, subnormals, values just above 2^-126, ordinary values in
 *   ±[10^-3, 10^3] and large ones up to the profile's largest magnitude;
 * - `ordinary`: ±[10^-3, 10^3] only;
 * - `integers`: −8..8 and ±0, so exact ties, exact grid points and integral QSGD levels abound.
 */
export type ValueProfile = 'mixed' | 'ordinary' | 'integers';

/** Every profile, for generators. */
export const VALUE_PROFILES: readonly ValueProfile[] = ['mixed', 'ordinary', 'integers'];

/** Recipe of one vector: rebuilt by {@link buildVector}. */
export interface VectorRecipe {
  length: number;
  seed: number;
  profile: ValueProfile;
  /** Largest magnitude of the `mixed` profile's large values (a power of two up to float32's largest). */
  largest: number;
}

/** The vector a recipe describes. */
export function buildVector(recipe: VectorRecipe): Float32Array {
  const key: RandomKey = { seed: recipe.seed, round: 0, client: 0, stream: 1900 };
  const out = new Float32Array(recipe.length);
  for (let i = 0; i < out.length; i++) {
    const classDraw = counterUniform(key, 3 * i);
    const magnitudeDraw = counterUniform(key, 3 * i + 1);
    const negative = counterUniform(key, 3 * i + 2) < 0.5;
    const magnitude = magnitudeOf(recipe, classDraw, magnitudeDraw);
    out[i] = negative ? -magnitude : magnitude;
  }
  return out;
}

function magnitudeOf(recipe: VectorRecipe, classDraw: number, draw: number): number {
  switch (recipe.profile) {
    case 'ordinary':
      return ordinary(draw);
    case 'integers':
      return Math.floor(draw * 9);
    case 'mixed':
      if (classDraw < 0.15) return 0;
      if (classDraw < 0.25) return 2 ** -149 * Math.floor(1 + draw * (2 ** 23 - 1));
      if (classDraw < 0.3) return Math.fround(MIN_NORMAL_FLOAT32 * (1 + draw));
      if (classDraw < 0.85) return ordinary(draw);
      return large(draw, recipe.largest);
  }
}

function ordinary(draw: number): number {
  return Math.fround(10 ** (-3 + 6 * draw));
}

/** Log-uniform between 2^20 and `largest`. */
function large(draw: number, largest: number): number {
  const top = Math.log2(largest);
  return Math.min(MAX_FLOAT32, Math.fround(2 ** (20 + draw * (top - 20))));
}

/** A row-major rows×cols matrix from a recipe whose length is ignored. */
export function buildMatrix(recipe: VectorRecipe, rows: number, cols: number): Float32Array {
  return buildVector({ ...recipe, length: rows * cols });
}
